"""Matching's rules, in plain Python."""
