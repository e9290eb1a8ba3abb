"""Who may do what, route by route: the access matrix."""
