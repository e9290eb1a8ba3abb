"""Reports for supervisors and the implementation team.

Every report lives at `GET /organisations/{org}/reports/{name}`, answers JSON or, with
`format=csv` (or `Accept: text/csv`), every row as streamed CSV, takes the filters of
`filters.py`, and counts only the practitioners `app/access/reports.py` lets the caller
report on. The days are the organisation's (`period.py`).
"""
