"""Tandem: four services (intake, matching, scheduling, notify) and the shared library they stand on."""
