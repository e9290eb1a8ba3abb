"""Ring-fenced time: allocations, time logged outside bookings, the time report with
erosion, and periods signed off by supervisors."""
