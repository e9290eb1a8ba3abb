"""The agreement report: submitted observations of a rubric gathered from the database and
handed to the pure statistics in app/review/agreement."""
