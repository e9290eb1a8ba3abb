"""The coverage report: rated recordings and coaching per practitioner, the programme's
target of rated recordings, and champions' activity (activity.py holds the SQL it shares
with the equity report)."""
