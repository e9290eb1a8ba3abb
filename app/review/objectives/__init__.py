"""Learning objectives agreed between coach and practitioner, linked to rubric criteria."""
