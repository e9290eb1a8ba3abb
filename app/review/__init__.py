"""Review: coaches score recordings against a rubric; double coding measures agreement."""
