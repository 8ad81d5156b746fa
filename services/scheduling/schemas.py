"""Scheduling's request and response schemas."""

from marshmallow import Schema, fields


class ParticipantOut(Schema):
    application_id = fields.String()
    cohort_id = fields.String()
    role = fields.String()
    name = fields.String()
    locale = fields.String()
    time_zone = fields.String()
