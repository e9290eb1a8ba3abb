"""Calibration exercises: a lead has several raters score one master recording blind, then
reads how far they agree with each other and with a gold standard.

- `schemas`: request and response shapes;
- `setup`: creating, listing and closing exercises, and each rater's observation;
- `results`: the agreement statistics, through app/review/agreement.
"""
