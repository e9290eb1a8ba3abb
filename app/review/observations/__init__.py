"""Observations: a coach scores a recording against a published rubric version."""
