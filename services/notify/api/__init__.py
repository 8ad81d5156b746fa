"""Notify's HTTP API, one blueprint per resource."""

from .deliveries import blp as deliveries

BLUEPRINTS = (deliveries,)
