"""The coordinator's review of a cohort's matching, in the programmes' own terms."""

from tests.skeleton import expect

LAW = {"code": "2611", "title": "Jurist"}
ENGINEERING = {"code": "2144", "title": "Maskiningenjör"}


def _lawyers_and_engineers(matching, tenant="saco", **programme):
    cohort = matching.cohort(tenant, **programme)
    people = {
        "amira": matching.person(tenant, cohort, "mentee", "Amira Haddad", wished_profession=LAW),
        "omar": matching.person(tenant, cohort, "mentee", "Omar Yusuf", wished_profession=ENGINEERING),
        "karin": matching.person(tenant, cohort, "mentor", "Karin Berg", profession=LAW),
        "lars": matching.person(tenant, cohort, "mentor", "Lars Holm", profession=ENGINEERING),
    }
    return cohort, people


def _pairs(run) -> set[tuple[str, str]]:
    return {(p["mentee_id"], p["mentor_id"]) for p in run["proposals"]}


def test_a_run_proposes_pairs_with_their_breakdown_and_approval_tells_scheduling_and_notify(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _lawyers_and_engineers(matching)
    run = matching.run(coordinator, cohort)
    assert run["status"] == "succeeded" and run["matched"] == 2 and run["unmatched"] == 0
    assert _pairs(run) == {(p["amira"], p["karin"]), (p["omar"], p["lars"])}
    proposal = next(x for x in run["proposals"] if x["mentee_id"] == p["amira"])
    assert proposal["mentee"] == "Amira Haddad" and proposal["mentor"] == "Karin Berg"
    assert proposal["breakdown"]["profession"] == 5.0
    assert abs(sum(proposal["breakdown"].values()) - proposal["score"]) < 1e-9
    assert run["timings"]["total"] >= 0 and run["parameters"]["mode"] == "optimal"

    done = expect(matching.send("POST", f"/matching/runs/{run['id']}/approve", None, coordinator), 200)
    assert done == {"confirmed": 2, "unmatched_told": 0}
    confirmed = {e["data"]["mentee"]["name"]: e["data"] for e in matching.events("match.confirmed")}
    amira = confirmed["Amira Haddad"]
    assert amira["mentor"]["name"] == "Karin Berg" and amira["mentor"]["email"] == "karin.berg@example.se"
    assert amira["mentee"]["locale"] == "sv" and amira["shared_languages"] == ["sv"]
    assert (amira["time_zone"], amira["starts_on"], amira["ends_on"]) == ("Europe/Stockholm", "2027-01-23", "2027-06-30")
    assert amira["mentee"]["phone"] is None  # the programme shares e-mail only
    pairs = expect(matching.send("GET", f"/matching/cohorts/{cohort}/pairs", None, coordinator), 200)
    assert {x["status"] for x in pairs} == {"confirmed"} and len(pairs) == 2


def test_a_rejected_pair_is_not_proposed_again(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _lawyers_and_engineers(matching)
    first = matching.run(coordinator, cohort)
    amira_karin = next(x for x in first["proposals"] if x["mentee_id"] == p["amira"])
    expect(matching.send("POST", f"/matching/proposals/{amira_karin['id']}/reject", {"reason": "known to each other"}, coordinator), 200)
    second = matching.run(coordinator, cohort)
    assert (p["amira"], p["karin"]) not in _pairs(second)
    forbids = expect(matching.send("GET", f"/matching/cohorts/{cohort}/overrides", None, coordinator), 200)
    assert [(f["kind"], f["mentee_id"], f["mentor_id"]) for f in forbids] == [("forbid", p["amira"], p["karin"])]
    # the old run's proposals can no longer be approved
    expect(matching.send("POST", f"/matching/runs/{first['id']}/approve", None, coordinator), 409)


def test_a_re_run_keeps_confirmed_pairs(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _lawyers_and_engineers(matching)
    first = matching.run(coordinator, cohort)
    amira_karin = next(x for x in first["proposals"] if x["mentee_id"] == p["amira"])
    expect(matching.send("POST", f"/matching/proposals/{amira_karin['id']}/approve", None, coordinator), 200)
    # a new mentee in law arrives; Karin (capacity 1) is taken, so the run does not touch her pair
    newcomer = matching.person("saco", cohort, "mentee", "Sara Ahmadi", wished_profession=LAW)
    second = matching.run(coordinator, cohort)
    assert all(x["mentee_id"] != p["amira"] and x["mentor_id"] != p["karin"] for x in second["proposals"])
    assert second["mentees"] == 2 and second["mentors"] == 1
    pairs = expect(matching.send("GET", f"/matching/cohorts/{cohort}/pairs", None, coordinator), 200)
    assert [(x["mentee_id"], x["mentor_id"], x["status"]) for x in pairs] == [(p["amira"], p["karin"], "confirmed")]
    assert newcomer in {x["mentee_id"] for x in second["proposals"]} | {u["mentee_id"] for u in second["unmatched_mentees"]}


def test_an_early_end_re_matches_only_that_mentee(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _lawyers_and_engineers(matching)
    extra_lawyer = matching.person("saco", cohort, "mentor", "Maja Lind", profession=LAW)
    run = matching.run(coordinator, cohort)
    expect(matching.send("POST", f"/matching/runs/{run['id']}/approve", None, coordinator), 200)
    pairs = expect(matching.send("GET", f"/matching/cohorts/{cohort}/pairs", None, coordinator), 200)
    amira_pair = next(x for x in pairs if x["mentee_id"] == p["amira"])
    ended = expect(matching.send("POST", f"/matching/pairs/{amira_pair['id']}/end",
                                 {"reason": "The pair did not work; the mentee asked for a new mentor."}, coordinator), 200)
    assert ended["status"] == "ended" and ended["ended_by"] == "coordinator@saco.example.se"
    event = matching.events("match.ended")[0]["data"]
    assert event["reason"].startswith("The pair did not work") and event["mentee"]["name"] == "Amira Haddad"
    again = matching.run(coordinator, cohort)
    assert {x["mentee_id"] for x in again["proposals"]} == {p["amira"]}  # only the freed mentee moves
    assert again["mentees"] == 1
    still = expect(matching.send("GET", f"/matching/cohorts/{cohort}/pairs", None, coordinator), 200)
    assert [(x["mentee_id"], x["status"]) for x in still if x["status"] == "confirmed"] == [(p["omar"], "confirmed")]
    # the pair that did not work is not proposed again: Amira gets the other lawyer
    assert [(x["mentee_id"], x["mentor_id"]) for x in again["proposals"]] == [(p["amira"], extra_lawyer)]


def test_an_unmatched_mentees_reason_is_right_and_they_are_told(matching):
    coordinator = matching.coordinator("saco")
    cohort = matching.cohort("saco")
    finnish = matching.person("saco", cohort, "mentee", "Aino Virtanen", mentoring_languages=["fi"])
    law_1 = matching.person("saco", cohort, "mentee", "Amira Haddad", wished_profession=LAW)
    law_2 = matching.person("saco", cohort, "mentee", "Sara Ahmadi", wished_profession=LAW)
    matching.person("saco", cohort, "mentor", "Karin Berg", profession=LAW)
    run = matching.run(coordinator, cohort)
    reasons = {u["mentee_id"]: u for u in run["unmatched_mentees"]}
    assert reasons[finnish]["reason_code"] == "no_shared_language"
    assert "no mentor shares a mentoring language" in reasons[finnish]["reason"]
    left_lawyer = law_1 if law_1 in reasons else law_2
    assert reasons[left_lawyer]["reason_code"] == "all_at_capacity"
    assert "at capacity" in reasons[left_lawyer]["reason"]
    expect(matching.send("POST", f"/matching/runs/{run['id']}/approve", None, coordinator), 200)
    told = {e["data"]["mentee"]["application_id"]: e["data"] for e in matching.events("match.unmatched")}
    assert set(told) == {finnish, left_lawyer}
    assert told[finnish]["reason_code"] == "no_shared_language"


def test_why_not_this_mentor_answers_with_the_score_it_would_cost(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _lawyers_and_engineers(matching)
    run = matching.run(coordinator, cohort)
    answer = expect(matching.send("GET", f"/matching/runs/{run['id']}/why-not?mentee_id={p['amira']}&mentor_id={p['lars']}",
                                  None, coordinator), 200)
    assert answer["allowed"] is True and answer["score_loss"] > 0 and answer["matched_loss"] == 0
    assert "lower the total score" in answer["text"]
    forbidden = expect(matching.send("POST", f"/matching/cohorts/{cohort}/overrides",
                                     {"kind": "forbid", "mentee_id": p["omar"], "mentor_id": p["karin"]}, coordinator), 201)
    assert forbidden["kind"] == "forbid"
    rerun = matching.run(coordinator, cohort)
    answer = expect(matching.send("GET", f"/matching/runs/{rerun['id']}/why-not?mentee_id={p['omar']}&mentor_id={p['karin']}",
                                  None, coordinator), 200)
    assert answer["allowed"] is False and answer["rule"]


def test_a_pin_is_honoured_and_a_forbid_respected(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _lawyers_and_engineers(matching)
    expect(matching.send("POST", f"/matching/cohorts/{cohort}/overrides",
                         {"kind": "pin", "mentee_id": p["amira"], "mentor_id": p["lars"], "reason": "same sector"}, coordinator), 201)
    run = matching.run(coordinator, cohort)
    assert (p["amira"], p["lars"]) in _pairs(run)
    assert next(x for x in run["proposals"] if x["mentee_id"] == p["amira"])["pinned"] is True
    bad = expect(matching.send("POST", f"/matching/cohorts/{cohort}/overrides",
                               {"kind": "forbid", "mentee_id": p["karin"], "mentor_id": p["amira"]}, coordinator), 422)
    assert "mentee" in bad["message"]


def test_a_closing_cohort_is_matched_by_itself_when_the_programme_says_so(matching):
    from services.matching.usecases.runs import work_on_runs
    from tests.matching.conftest import cohort_snapshot

    coordinator = matching.coordinator("saco")
    cohort, p = _lawyers_and_engineers(matching, match_when_closed=True)
    matching.feed("cohort.closed.v1", "saco", cohort_snapshot(cohort, status="closed", match_when_closed=True))
    assert work_on_runs(matching.engine, "worker-1") == 1
    runs = expect(matching.send("GET", f"/matching/cohorts/{cohort}/runs", None, coordinator), 200)
    assert [(r["trigger"], r["status"], r["matched"]) for r in runs] == [("cohort_closed", "succeeded", 2)]
    assert matching.events("match.proposed")[0]["data"]["proposed"] == 2


def test_a_mentor_who_withdraws_ends_the_pair(matching):
    from tests.matching.conftest import PERSON_KEYS, application

    coordinator = matching.coordinator("saco")
    cohort, p = _lawyers_and_engineers(matching)
    run = matching.run(coordinator, cohort)
    expect(matching.send("POST", f"/matching/runs/{run['id']}/approve", None, coordinator), 200)
    data = application(p["karin"], cohort, "mentor", "Karin Berg")
    matching.feed("application.withdrawn.v1", "saco", {k: data[k] for k in PERSON_KEYS} | {"status": "withdrawn", "previous_status": "accepted"})
    ended = matching.events("match.ended")
    assert [e["data"]["mentor"]["name"] for e in ended] == ["Karin Berg"]


def test_another_tenant_cannot_see_or_touch_a_cohorts_matching(matching):
    a = matching.coordinator("tenant-a")
    cohort, p = _lawyers_and_engineers(matching, tenant="tenant-a")
    run = matching.run(a, cohort)
    b = matching.coordinator("tenant-b")
    proposal = run["proposals"][0]["id"]
    for method, path, body in [
        ("GET", f"/matching/cohorts/{cohort}/runs", None), ("POST", f"/matching/cohorts/{cohort}/runs", {}),
        ("GET", f"/matching/runs/{run['id']}", None), ("POST", f"/matching/runs/{run['id']}/approve", None),
        ("GET", f"/matching/runs/{run['id']}/why-not?mentee_id={p['amira']}&mentor_id={p['karin']}", None),
        ("POST", f"/matching/proposals/{proposal}/approve", None), ("POST", f"/matching/proposals/{proposal}/reject", {}),
        ("GET", f"/matching/cohorts/{cohort}/overrides", None),
        ("POST", f"/matching/cohorts/{cohort}/overrides", {"kind": "forbid", "mentee_id": p["amira"], "mentor_id": p["karin"]}),
        ("GET", f"/matching/cohorts/{cohort}/pairs", None),
    ]:
        code, answer = matching.send(method, path, body, b)
        assert code == 404, f"{method} {path}: {code} {answer}"
    expect(matching.send("GET", f"/matching/cohorts/{cohort}/candidates", None, b), 404)
    assert expect(matching.send("GET", f"/matching/runs/{run['id']}", None, a), 200)["proposals"][0]["status"] == "proposed"
