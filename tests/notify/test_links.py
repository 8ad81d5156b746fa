"""A person who asked for their personal links again gets one e-mail from each organisation, in
their own language, with that organisation's links only — and nobody else hears of it."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.notify.conftest import dispatched_until, html_of, text_of
from tests.skeleton import expect

AMIRA = "amira.haddad@example.se"


def _link(kind: str, id_: str, programme: str, role: str, status: str | None, token: str, **extra) -> dict:
    path = "mentor-form" if kind == "mentor_form" else "applications/mine"
    return {"kind": kind, "id": id_, "cohort_id": f"c-{id_}", "cohort_name": "Kevät 2027", "programme_name": programme,
            "role": role, "status": status, "link": f"https://tandem.example.org/{path}?token={token}",
            "link_expires_at": None, **extra}


def _asked(tenant_name: str, links: list[dict]) -> dict:
    return {"name": "Amira Haddad", "email": AMIRA, "locale": "fi", "time_zone": "Europe/Helsinki",
            "tenant_name": tenant_name, "links": links}


def test_each_organisation_sends_its_own_links_in_one_message_in_her_language(notify, mail, receiver):
    expect(notify.send("POST", "/notify/webhooks", {"url": f"{receiver.url}/saco"}, notify.coordinator("saco")), 201)
    saco = notify.feed("person.links_requested.v1", "saco", _asked("Saco", [
        _link("application", "a-1", "Mentorointiohjelma", "mentee", "waitlisted", "saco-application"),
        _link("mentor_form", "n-1", "Juristien mentorointi", "mentor", None, "saco-form",
              link_expires_at=datetime(2027, 9, 1, 20, 59, tzinfo=UTC)),
    ]))
    notify.feed("person.links_requested.v1", "jusek", _asked("Jusek", [
        _link("application", "a-2", "Jusekin mentorit", "mentor", "accepted", "jusek-application"),
    ]))
    assert not notify.apply(saco)  # a redelivery queues nothing more

    dispatched_until(notify, mail, 2)

    by_sender = {m["From"].split(" <")[0]: m for m in mail.to(AMIRA)}
    assert set(by_sender) == {"Saco", "Jusekin mentorit"}  # one message from each
    from_saco, from_jusek = text_of(by_sender["Saco"]), text_of(by_sender["Jusekin mentorit"])
    assert by_sender["Saco"]["Subject"] == "Henkilökohtaiset linkkisi: Saco"
    assert "https://tandem.example.org/applications/mine?token=saco-application" in from_saco
    assert "https://tandem.example.org/mentor-form?token=saco-form" in from_saco
    assert "olet jonotuslistalla" in from_saco and "voimassa 1. syyskuuta 2027 asti" in from_saco
    assert "jusek" not in from_saco.lower() and "saco" not in from_jusek.lower()
    assert "https://tandem.example.org/applications/mine?token=jusek-application" in html_of(by_sender["Jusekin mentorit"])
    assert all(m["List-Unsubscribe"] is None for m in by_sender.values())  # asked for: essential
    # the links carry fresh personal tokens: the tenant's systems are not sent them
    assert notify.deliveries(channel="webhook") == []
    assert {d["message"] for d in notify.deliveries()} == {"links_requested"}
