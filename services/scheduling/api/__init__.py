"""Scheduling's HTTP API, one blueprint per resource."""

from .calendars import blp as calendars
from .cohorts import blp as cohorts
from .export import blp as export
from .meetings import blp as meetings
from .mine import blp as mine
from .pair_list import blp as pair_list
from .pairs import blp as pairs
from .participants import blp as participants

BLUEPRINTS = (participants, cohorts, pair_list, pairs, meetings, mine, calendars, export)
