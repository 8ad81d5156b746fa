"""A cohort, its group events, and the dates that may not lie in the past."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.shared import clock
from services.shared.contract.events import COHORT_STATUSES, Localized
from services.shared.fields import NAME, TITLE, Text

from .common import GROUP_EVENT_KINDS, TIME_ZONES, iana_time_zone


def past_dates(data: dict, now: datetime) -> dict[str, list[str]]:
    """The deadlines and the start among ``data`` that are already past, each with its reason.

    Without the cohort's time zone, the start is compared with the earliest date anywhere on
    Earth, so a cohort starting today somewhere is never refused."""
    errors = {}
    for name in ("application_deadline", "nomination_deadline"):
        moment = data.get(name)
        if moment is not None and moment <= now:
            errors[name] = ["is in the past"]
    if data.get("starts_on"):
        zone = data.get("time_zone")
        today = now.astimezone(ZoneInfo(zone)).date() if zone in TIME_ZONES else (now - timedelta(hours=12)).date()
        if data["starts_on"] < today:
            errors["starts_on"] = ["is in the past"]
    return errors


class GroupEventIn(Schema):
    id = fields.String(load_default=None, validate=validate.Length(max=36), metadata={"description": "an existing event's id, to change that event rather than add one"})
    kind = fields.String(required=True, validate=validate.OneOf(GROUP_EVENT_KINDS))
    title = Localized(max_length=TITLE, load_default=dict)
    starts_at = fields.DateTime(required=True, metadata={"description": "with an offset, or local time in the cohort's time zone"})
    ends_at = fields.DateTime(required=True)
    venue = Text(max_length=400, load_default="")
    mandatory = fields.Boolean(load_default=False)

    @validates_schema
    def _order(self, data, **_):
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("must be after starts_at", "ends_at")


class GroupEventOut(Schema):
    id = fields.String()
    kind = fields.String()
    title = Localized()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    venue = fields.String()
    mandatory = fields.Boolean()


class CohortFields(Schema):
    name = Text(min_length=1, max_length=NAME, metadata={"example": "Spring 2019"})
    time_zone = fields.String(validate=iana_time_zone, metadata={"example": "Europe/Stockholm"})
    applications_open_at = fields.AwareDateTime(allow_none=True)
    application_deadline = fields.AwareDateTime(allow_none=True)
    nomination_deadline = fields.AwareDateTime(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date()
    mentee_places = fields.Integer(validate=validate.Range(min=1, max=10000))
    mentor_places = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=10000))
    admission = fields.String(validate=validate.OneOf(["first_come", "selection"]),
                              metadata={"description": "first_come: the first N valid mentees are accepted; selection: the coordinator accepts"})
    group_events = fields.List(fields.Nested(GroupEventIn), metadata={"description": "replaces the cohort's group events"})

    @validates_schema
    def _dates(self, data, **_):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            raise ValidationError("must be after starts_on", "ends_on")
        if data.get("applications_open_at") and data.get("application_deadline") and data["application_deadline"] <= data["applications_open_at"]:
            raise ValidationError("must be after applications_open_at", "application_deadline")


class CohortIn(CohortFields):
    name = Text(required=True, min_length=1, max_length=NAME)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    open = fields.Boolean(load_default=False, metadata={"description": "open for applications at once"})

    @validates_schema
    def _not_past(self, data, **_):
        """A deadline or a start already past would open a cohort no one can apply or be nominated
        to. (An edit is checked against what it changes: see ``changed_past_dates``.)"""
        errors = past_dates(data, clock.now())
        if errors:
            raise ValidationError(errors)


def changed_past_dates(cohort, changes: dict, now: datetime) -> dict[str, list[str]]:
    """The deadlines and the start an edit moves into the past. A date the cohort has already,
    sent again unchanged (a form sends every field), is no change and no refusal."""
    moved = {name: value for name, value in changes.items() if value != cohort.get(name)}
    return past_dates({**moved, "time_zone": changes.get("time_zone", cohort.get("time_zone"))}, now)


class CohortOut(CohortFields):
    id = fields.String()
    programme_id = fields.String()
    status = fields.String(validate=validate.OneOf(COHORT_STATUSES))
    group_events = fields.List(fields.Nested(GroupEventOut))
    accepted = fields.Dict(keys=fields.String(), values=fields.Integer())
    waitlisted = fields.Dict(keys=fields.String(), values=fields.Integer())


class PublicCohortOut(Schema):
    id = fields.String()
    name = fields.String()
    programme = fields.String()
    description = fields.String(metadata={"description": "the programme's, in the asked language where it exists"})
    status = fields.String()
    time_zone = fields.String()
    application_deadline = fields.AwareDateTime(allow_none=True)
    nomination_deadline = fields.AwareDateTime(allow_none=True)
    mentee_places_left = fields.Integer(metadata={"description": "mentee places not yet taken"})
    starts_on = fields.Date()
    ends_on = fields.Date()
    languages = fields.List(fields.String())
    professions = fields.List(fields.Dict())
    consent_version = fields.String()
    consent_text = fields.String()
    group_events = fields.List(fields.Nested(GroupEventOut))
