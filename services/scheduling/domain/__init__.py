"""Scheduling's rules, in plain Python."""
