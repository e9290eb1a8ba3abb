"""Fidelity status per practitioner per programme: rolling fidelity, drift, certification."""
