"""Intake's HTTP API, one blueprint per resource."""

from .cohorts import blp as cohorts
from .erasures import blp as erasures
from .links import blp as links
from .nominations import blp as nominations
from .participants import blp as participants
from .programmes import blp as programmes
from .public import blp as public
from .public import limiter
from .retention import blp as retention
from .staff import blp as staff
from .tenants import blp as tenants

BLUEPRINTS = (tenants, programmes, cohorts, nominations, participants, erasures, public, links, staff, retention)

__all__ = ["BLUEPRINTS", "limiter"]
