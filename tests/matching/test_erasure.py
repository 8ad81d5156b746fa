"""An erased person leaves matching: their name, address and particulars, the words written
about them, and the events about them in the outbox; the pairs' history stays, and the other
people's data with it."""

from __future__ import annotations

import json

import sqlalchemy as sa

from services.matching import store
from services.shared import clock
from tests.skeleton import expect

LAW = {"code": "2611", "title": "Jurist"}
ENGINEERING = {"code": "2144", "title": "Maskiningenjör"}


def _paired_and_ended(matching):
    """Amira and Karin are paired, then parted; Omar and Lars are paired; a forbid keeps Omar
    from Karin, in words about both; the confirmations have been published, the rest waits."""
    coordinator = matching.coordinator("saco")
    cohort = matching.cohort("saco")
    p = {
        "amira": matching.person("saco", cohort, "mentee", "Amira Haddad", wished_profession=LAW, phone="+46701234567",
                                 employer="Volvo", interests="Amira hopes to work in family law"),
        "omar": matching.person("saco", cohort, "mentee", "Omar Yusuf", wished_profession=ENGINEERING),
        "karin": matching.person("saco", cohort, "mentor", "Karin Berg", profession=LAW),
        "lars": matching.person("saco", cohort, "mentor", "Lars Holm", profession=ENGINEERING),
    }
    run = matching.run(coordinator, cohort)
    expect(matching.send("POST", f"/matching/runs/{run['id']}/approve", None, coordinator), 200)
    expect(matching.send("POST", f"/matching/cohorts/{cohort}/overrides", {
        "kind": "forbid", "mentee_id": p["omar"], "mentor_id": p["karin"], "reason": "Omar is Karin's neighbour"}, coordinator), 201)
    o = store.OUTBOX
    with matching.engine.begin() as conn:
        conn.execute(o.update().where(o.c.type.in_(["match.proposed.v1", "match.confirmed.v1"])).values(sent_at=clock.now()))
    pairs = expect(matching.send("GET", f"/matching/cohorts/{cohort}/pairs", None, coordinator), 200)
    amira_karin = next(x for x in pairs if x["mentee_id"] == p["amira"])
    expect(matching.send("POST", f"/matching/pairs/{amira_karin['id']}/end",
                         {"reason": "Amira found a job at Karin's firm"}, coordinator), 200)
    return p


def _erase(matching, *application_ids: str) -> None:
    matching.feed("person.erasure_requested.v1", "saco", {"erasure_id": "e1", "email_sha256": "0" * 64,
                                                          "application_ids": list(application_ids), "nomination_ids": []})


def _table(matching, table: sa.Table) -> list[dict]:
    with matching.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(table)).mappings()]


def test_an_erased_person_leaves_no_name_address_or_words_about_them_in_matching(matching):
    p = _paired_and_ended(matching)
    _erase(matching, p["amira"])

    amira = next(a for a in _table(matching, store.applications) if a["id"] == p["amira"])
    assert (amira["name"], amira["phone"], amira["employer"], amira["interests"]) == ("erased", None, None, "")
    assert amira["email"].endswith("@erased.invalid")

    reasons = {(o["mentee_id"], o["mentor_id"]): o["reason"] for o in _table(matching, store.overrides)}
    assert reasons[(p["amira"], p["karin"])] == ""  # the forbid the early end left, in the coordinator's words
    assert reasons[(p["omar"], p["karin"])] == "Omar is Karin's neighbour"  # about others: kept
    pairs = {(x["mentee_id"], x["mentor_id"]): x for x in _table(matching, store.pairs)}
    assert pairs[(p["amira"], p["karin"])]["end_reason"] is None
    assert pairs[(p["amira"], p["karin"])]["status"] == "ended"  # the history stays
    assert pairs[(p["omar"], p["lars"])]["status"] == "confirmed"


def test_erasure_deletes_the_published_events_about_the_person_and_scrubs_the_waiting_ones(matching):
    p = _paired_and_ended(matching)
    before = {e["type"]: e for e in _table(matching, store.OUTBOX) if p["amira"] in e["body"]}
    assert {"match.confirmed.v1", "match.ended.v1"} <= set(before)
    _erase(matching, p["amira"])

    events = _table(matching, store.OUTBOX)
    about_her = [e for e in events if p["amira"] in e["body"]]
    assert [e["type"] for e in about_her] == ["match.ended.v1"]  # waiting: it travels, scrubbed
    assert about_her[0]["sent_at"] is None
    body = about_her[0]["body"]
    for trace in ("Amira", "amira.haddad@example.se", "+46701234567"):
        assert trace not in body
    assert "Karin Berg" in body and "karin.berg@example.se" in body  # the partner is not erased
    ended = json.loads(body)["data"]
    assert ended["mentee"]["name"] == "erased" and ended["mentee"]["email"] == "erased@erased.invalid"
    # the published events of other people stay
    assert any(e["type"] == "match.confirmed.v1" and p["omar"] in e["body"] for e in events)
    assert "Amira" not in "".join(e["body"] for e in events)


def test_erasing_twice_changes_nothing_more(matching):
    p = _paired_and_ended(matching)
    _erase(matching, p["amira"])
    first = (_table(matching, store.applications), _table(matching, store.OUTBOX), _table(matching, store.overrides))
    matching.feed("person.erasure_requested.v1", "saco", {"erasure_id": "e2", "email_sha256": "0" * 64,
                                                          "application_ids": [p["amira"]], "nomination_ids": []})
    assert (_table(matching, store.applications), _table(matching, store.OUTBOX), _table(matching, store.overrides)) == first
