"""Scheduling's rules. The plain-Python ones — ``plan``, ``phases``, ``terms``, ``timing``, ``ical``,
``wording`` — import nothing of SQL, Flask or the broker; the others apply them to scheduling's
tables inside the caller's transaction."""
