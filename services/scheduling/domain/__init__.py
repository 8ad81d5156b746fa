"""Scheduling's rules, on plain values: dicts and dataclasses in, decisions and the data of events
out. Nothing here imports SQL, Flask, the broker or the store (tests/scheduling/test_shape.py
checks): ``usecases`` loads and locks through ``store``, asks these rules, writes and emits."""
