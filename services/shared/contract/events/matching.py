"""Events matching publishes: proposals, confirmed and ended pairs, mentees left unmatched."""

from marshmallow import Schema, fields, validate

from ...fields import NAME, Text
from ..personal import GONE, NO_LONGER_SENT, personal
from ..registry import event_type
from .shapes import LANGUAGE_LENGTH, LOCALES, Email, Id, Localized, TimeZone

# Reasons are typed by coordinators in matching's own forms (at most 1000 characters there).
REASON_LENGTH = 1000


class MatchPerson(Schema):
    application_id = Id(required=True, metadata=personal("participants"))
    name = Text(max_length=NAME, required=True, metadata=personal("participants"))
    email = Email(required=True, metadata=personal("participants"))
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40), metadata=personal("participants"))
    languages = fields.List(fields.String(validate=validate.Length(max=LANGUAGE_LENGTH)), load_default=list,
                            metadata=personal("participants", description="languages of mentoring"))
    profession_title = Text(max_length=NAME, load_default=None, allow_none=True,
                            metadata=personal("participants", description="the mentor's profession, or the one the mentee wishes for"))


class MatchCohort(Schema):
    cohort_id = Id(required=True)
    cohort_name = Text(max_length=NAME, required=True)
    programme_id = Id(required=True)
    programme_name = Localized(required=True)
    time_zone = TimeZone(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


@event_type("match.proposed.v1", "matching", "A matching run proposed pairs for a cohort (for the coordinator's review).")
class MatchProposed(Schema):
    run_id = Id(required=True)
    cohort_id = Id(required=True)
    mode = fields.String(required=True, validate=validate.OneOf(["optimal", "stable"]))
    proposed = fields.Integer(required=True)
    unmatched = fields.Integer(required=True)
    objective = fields.Float(required=True)


@event_type("match.confirmed.v1", "matching", "The coordinator confirmed a pair: both people, their contact details and languages, the cohort's dates.")
class MatchConfirmed(MatchCohort):
    pair_id = Id(required=True)
    mentee = fields.Nested(MatchPerson, required=True)
    mentor = fields.Nested(MatchPerson, required=True)
    shared_languages = fields.List(fields.String(validate=validate.Length(max=LANGUAGE_LENGTH)), required=True, metadata=personal("participants", description="candidate languages of mentoring"))
    share_contact_details = fields.List(fields.String(), required=True)
    score = fields.Float(required=True)
    confirmed_at = fields.AwareDateTime(required=True, format="iso")


@event_type("match.ended.v1", "matching", "A pair ended early (reason, by whom); the mentee is free for the next run.")
class MatchEnded(MatchCohort):
    pair_id = Id(required=True)
    mentee = fields.Nested(MatchPerson, required=True)
    mentor = fields.Nested(MatchPerson, required=True)
    reason = fields.String(required=True, validate=validate.Length(max=REASON_LENGTH), metadata=personal("participants"))
    ended_by = fields.String(required=True, validate=validate.Length(max=320), metadata=personal("coordinators and participants"))
    ended_at = fields.AwareDateTime(required=True, format="iso")


@event_type("match.unmatched.v1", "matching", "A mentee was left without a mentor in this round, with the reason and what happens next.")
class MatchUnmatched(MatchCohort):
    run_id = Id(required=True)
    mentee = fields.Nested(MatchPerson, required=True)
    reason_code = fields.String(required=True, validate=validate.Length(max=40))
    # the mentee's message speaks from reason_code, and no consumer keeps the words
    reason = fields.String(validate=validate.Length(max=REASON_LENGTH), **NO_LONGER_SENT,
                           metadata=personal("participants", description=GONE))
