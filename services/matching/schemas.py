"""Matching's request and response schemas."""

from marshmallow import Schema, fields


class CandidateOut(Schema):
    id = fields.String()
    cohort_id = fields.String()
    role = fields.String()
    name = fields.String()
    locale = fields.String()
    submitted_at = fields.AwareDateTime()
