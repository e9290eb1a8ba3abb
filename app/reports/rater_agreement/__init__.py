"""The agreement report: how raters who scored the same recordings agree, by rubric, month
and rater, so a rater drifting away from the others shows month by month.

Named apart from app/review/agreement (the statistics: kappa, ICC, alpha) and
app/review/agreement_report (the leads' report of those statistics for one rubric): this
one counts score pairs in SQL, for every role within its scope.
"""
