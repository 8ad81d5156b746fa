"""Notify's HTTP API, one blueprint per resource."""

from .announcements import blp as announcements
from .deliveries import blp as deliveries
from .export import blp as export
from .preferences import blp as preferences
from .templates import blp as templates
from .webhooks import blp as webhooks

BLUEPRINTS = (deliveries, templates, webhooks, announcements, preferences, export)
