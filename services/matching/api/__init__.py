"""Matching's HTTP API, one blueprint per resource."""

from .candidates import blp as candidates

BLUEPRINTS = (candidates,)
