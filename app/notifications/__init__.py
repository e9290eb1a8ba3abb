"""Notifications: made where things happen (service.py), shown through app/access
(reads.py), emailed once a day (digest.py) and pushed to browsers (push.py); email."""
