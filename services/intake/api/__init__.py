"""Intake's HTTP API, one blueprint per resource."""

from .cohorts import blp as cohorts
from .programmes import blp as programmes
from .public import blp as public
from .tenants import blp as tenants

BLUEPRINTS = (tenants, programmes, cohorts, public)
