"""Matching's request and response schemas."""

from marshmallow import Schema, fields, validate


class CandidateOut(Schema):
    id = fields.String()
    cohort_id = fields.String()
    role = fields.String()
    status = fields.String()
    name = fields.String()
    locale = fields.String()
    arrival = fields.Integer(allow_none=True)
    mentoring_languages = fields.List(fields.String())
    profession = fields.Dict(allow_none=True)
    wished_profession = fields.Dict(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    submitted_at = fields.AwareDateTime()


class RunIn(Schema):
    mode = fields.String(load_default=None, validate=validate.OneOf(["optimal", "stable"]),
                         metadata={"description": "default: the programme's"})


class ProposalOut(Schema):
    id = fields.String()
    run_id = fields.String()
    mentee_id = fields.String()
    mentee = fields.String(metadata={"description": "the mentee's name"})
    mentor_id = fields.String()
    mentor = fields.String(metadata={"description": "the mentor's name"})
    score = fields.Float()
    breakdown = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={"description": "criterion -> weighted points"})
    pinned = fields.Boolean()
    status = fields.String()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)


class UnmatchedOut(Schema):
    mentee_id = fields.String()
    mentee = fields.String()
    reason_code = fields.String()
    reason = fields.String()
    details = fields.Dict()
    notified_at = fields.AwareDateTime(allow_none=True)


class RunOut(Schema):
    id = fields.String()
    cohort_id = fields.String()
    status = fields.String(metadata={"description": "queued, running, succeeded or failed"})
    trigger = fields.String()
    mode = fields.String()
    parameters = fields.Dict()
    requested_by = fields.String()
    requested_at = fields.AwareDateTime()
    started_at = fields.AwareDateTime(allow_none=True)
    finished_at = fields.AwareDateTime(allow_none=True)
    timings = fields.Dict(allow_none=True)
    objective = fields.Float(allow_none=True)
    mentees = fields.Integer(allow_none=True)
    mentors = fields.Integer(allow_none=True)
    matched = fields.Integer(allow_none=True)
    unmatched = fields.Integer(allow_none=True)
    attempts = fields.Integer(metadata={"description": "times a worker has started the run"})
    failure_code = fields.String(allow_none=True, metadata={"description": "why a failed run failed, as a stable code"})
    failure_reason = fields.String(allow_none=True, metadata={"description": "why a failed run failed, and what to do"})


class RunDetailOut(RunOut):
    proposals = fields.List(fields.Nested(ProposalOut))
    unmatched_mentees = fields.List(fields.Nested(UnmatchedOut))


class ApproveAllOut(Schema):
    confirmed = fields.Integer()
    unmatched_told = fields.Integer()


class RejectIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class OverrideIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["pin", "forbid"]))
    mentee_id = fields.String(required=True)
    mentor_id = fields.String(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class OverrideOut(Schema):
    id = fields.String()
    cohort_id = fields.String()
    kind = fields.String()
    mentee_id = fields.String()
    mentor_id = fields.String()
    reason = fields.String()
    created_by = fields.String()
    created_at = fields.AwareDateTime()


class WhyNotQuery(Schema):
    mentee_id = fields.String(required=True)
    mentor_id = fields.String(required=True)


class WhyNotOut(Schema):
    mentee_id = fields.String()
    mentor_id = fields.String()
    allowed = fields.Boolean()
    rule = fields.String(allow_none=True, metadata={"description": "the hard rule that forbids the pair"})
    missing_languages = fields.List(fields.String(), metadata={
        "description": "the languages the programme requires of every mentor that this mentor lacks"})
    proposed = fields.Boolean(allow_none=True, metadata={"description": "the run proposes this pair already"})
    score = fields.Float(allow_none=True, metadata={"description": "the pair's own score"})
    breakdown = fields.Dict(allow_none=True)
    score_loss = fields.Float(allow_none=True, metadata={"description": "total score the cohort loses if the pair were pinned"})
    matched_loss = fields.Integer(allow_none=True, metadata={"description": "mentees who would be left without a mentor"})
    changed = fields.List(fields.Dict(), allow_none=True, metadata={"description": "who would get another mentor"})
    text = fields.String(metadata={"description": "the answer in one sentence"})


class PairOut(Schema):
    id = fields.String()
    cohort_id = fields.String()
    mentee_id = fields.String()
    mentee = fields.String()
    mentor_id = fields.String()
    mentor = fields.String()
    score = fields.Float()
    breakdown = fields.Dict()
    status = fields.String()
    confirmed_by = fields.String()
    confirmed_at = fields.AwareDateTime()
    ended_by = fields.String(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)


class EndPairIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class PageQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1), metadata={"description": "from 1"})
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ProposalsQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(["proposed", "approved", "rejected"]),
                           metadata={"description": "only the proposals with this status"})


class ProposalPageOut(Schema):
    run = fields.Nested(RunOut)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "the run's proposals by status: proposed, approved, rejected, superseded"})
    kept = fields.Integer(metadata={"description": "the cohort's confirmed pairs now (a run keeps them)"})
    total = fields.Integer(metadata={"description": "proposals that match the query, on all pages"})
    page = fields.Integer()
    page_size = fields.Integer()
    items = fields.List(fields.Nested(ProposalOut), metadata={"description": "best score first"})


class UnmatchedPageOut(Schema):
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
    items = fields.List(fields.Nested(UnmatchedOut))
