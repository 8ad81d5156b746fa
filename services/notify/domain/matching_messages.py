"""The messages matching's events produce: a pair confirmed, unmatched or ended."""

from __future__ import annotations

from .outgoing import CohortInfo, Composer, Outgoing, Recipient, pair_context, partner, registrar

COMPOSERS: dict[str, Composer] = {}
composes = registrar(COMPOSERS)


def _matched(person: dict, role: str, time_zone: str) -> Recipient:
    return Recipient(person["name"], person["email"], person["locale"], time_zone, person["application_id"], role)


@composes("match.confirmed.v1")
def match_confirmed(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    share = data["share_contact_details"]
    common = {**pair_context(data), "shared_languages": data["shared_languages"],
              "starts_on": data["starts_on"], "ends_on": data["ends_on"]}
    tz = data["time_zone"]
    return [
        Outgoing("match_confirmed", _matched(data["mentee"], "mentee", tz),
                 {**common, "role": "mentee", "partner": partner(data["mentor"], "mentor", share)}),
        Outgoing("match_confirmed", _matched(data["mentor"], "mentor", tz),
                 {**common, "role": "mentor", "partner": partner(data["mentee"], "mentee", share)}),
    ]


@composes("match.unmatched.v1")
def match_unmatched(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return [Outgoing("match_unmatched", _matched(data["mentee"], "mentee", data["time_zone"]), {
        **pair_context(data), "role": "mentee", "reason_code": data["reason_code"], "reason": data["reason"],
        "starts_on": data["starts_on"],
    })]


@composes("match.ended.v1")
def match_ended(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    # The reason is the coordinator's note; it is not repeated to the pair (it may be hurtful,
    # and it may be about the other person).
    tz = data["time_zone"]
    return [
        Outgoing("match_ended", _matched(data["mentee"], "mentee", tz),
                 {**pair_context(data), "role": "mentee", "partner": partner(data["mentor"], "mentor")}),
        Outgoing("match_ended", _matched(data["mentor"], "mentor", tz),
                 {**pair_context(data), "role": "mentor", "partner": partner(data["mentee"], "mentee")}),
    ]
