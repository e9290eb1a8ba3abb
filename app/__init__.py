"""Tandem: coaching and supervision for practitioners of evidence-based interventions."""
