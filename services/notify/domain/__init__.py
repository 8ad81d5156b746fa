"""Notify's rules, in plain Python: what to say to whom, and when to try again."""
