"""The equity report: bookings, coaching and ratings by group of practitioners (a
supervisor's team, or an attribute the organisation defines), so that groups of any size
compare fairly."""
