"""Matching's HTTP API, one blueprint per resource."""

from .candidates import blp as candidates
from .export import blp as export
from .pairs import blp as pairs
from .runs import blp as runs

BLUEPRINTS = (candidates, runs, pairs, export)
