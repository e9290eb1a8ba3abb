"""The turnaround report: how long practitioners wait, from the upload of a recording to
the first comment of a reviewer and to the first submitted observation, by coach.

Median and 90th percentile are worked out in SQL (nearest rank, window functions), the
same on SQLite and PostgreSQL; Python only names the rows.
"""
