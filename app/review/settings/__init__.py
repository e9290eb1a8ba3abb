"""A programme's review rules: double coding, fidelity drift and certification, objectives."""
