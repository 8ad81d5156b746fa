"""Scheduling's HTTP API, one blueprint per resource."""

from .participants import blp as participants

BLUEPRINTS = (participants,)
