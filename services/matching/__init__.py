"""Matching: optimal, explainable mentor–mentee pairs for a whole cohort."""
