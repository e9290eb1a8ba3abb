"""Observation rubrics: versioned scales, criteria and the fidelity rule of a programme."""
