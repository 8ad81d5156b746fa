"""The messages intake's events produce: an application's progress, a nomination, a person's
links and a staff member's sign-in link."""

from __future__ import annotations

from .outgoing import CohortInfo, Composer, Outgoing, Recipient, registrar

COMPOSERS: dict[str, Composer] = {}
composes = registrar(COMPOSERS)


_APPLICATION_KINDS = {
    "application.submitted.v1": "application_received",
    "application.accepted.v1": "application_accepted",
    "application.waitlisted.v1": "application_waitlisted",
    "application.promoted.v1": "application_promoted",
    "application.rejected.v1": "application_rejected",
}


def _applicant(data: dict) -> Recipient:
    return Recipient(data["name"], data["email"], data["locale"], data["time_zone"], data["application_id"], data["role"])


def _application(kind: str) -> Composer:
    def build(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
        context = {
            "programme": data["programme_name"], "cohort": data["cohort_name"], "role": data["role"],
            "manage_link": data.get("manage_link"),
            "starts_on": cohort.starts_on if cohort else None,
        }
        if kind == "application_waitlisted":
            context["waitlist_position"] = data["waitlist_position"]
        return [Outgoing(kind, _applicant(data), context)]

    return build


for _type, _kind in _APPLICATION_KINDS.items():
    composes(_type)(_application(_kind))


@composes("nomination.accepted.v1")
def nomination_accepted(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    nominee = Recipient(data["name"], data["email"], data["locale"], data["time_zone"], data["nomination_id"], "mentor")
    return [Outgoing("nomination_accepted", nominee, {
        "programme": data["programme_name"], "cohort": data["cohort_name"], "role": "mentor",
        "organisation": data["organisation"], "organisation_name": data.get("organisation_name"),
        "form_link": data["form_link"], "link_expires_at": data["link_expires_at"],
    })]


@composes("person.links_requested.v1")
def links_requested(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    person = Recipient(data["name"], data["email"], data["locale"], data["time_zone"])
    programmes = {item["programme_name"] for item in data["links"]}
    # signed by the one programme, or by the organisation when the links span several
    sender = programmes.pop() if len(programmes) == 1 else data["tenant_name"]
    return [Outgoing("links_requested", person, {"programme": sender, "links": data["links"]})]


SECRET_LINK = "[sign-in link]"


@composes("staff.sign_in_requested.v1")
def sign_in(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    member = Recipient(data["name"], data["email"], data["locale"], "UTC", role=data["role"])
    return [Outgoing("sign_in", member, {
        "programme": data["tenant_name"], "tenant_name": data["tenant_name"], "link": SECRET_LINK,
        "link_expires_at": data["link_expires_at"], "invited": data.get("invited", False),
    }, secret_link=data["link"])]
