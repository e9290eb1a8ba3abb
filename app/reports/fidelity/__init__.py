"""The fidelity report (`GET /organisations/{org}/reports/fidelity`): counted observations
per programme over a period, by organisation, team, coach, practitioner or one by one,
with the current drift and certification status, a monthly trend and the weakest
criteria."""
