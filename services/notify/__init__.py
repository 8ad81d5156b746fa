"""Notify: every message, in the reader's language, delivered or visibly failed."""
