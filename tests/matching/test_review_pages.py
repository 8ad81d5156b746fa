"""A review page's calls: the run's proposals and its unmatched mentees one page at a time, so a
page stays as fast for a thousand mentees as for ten."""

from tests.skeleton import expect

from .test_review import LAW, _lawyers_and_engineers


def test_the_proposals_come_a_page_at_a_time_best_first_with_the_run_and_its_counts(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _lawyers_and_engineers(matching)
    run = matching.run(coordinator, cohort)
    first = expect(matching.send("GET", f"/matching/runs/{run['id']}/proposals?page_size=1", None, coordinator), 200)
    second = expect(matching.send("GET", f"/matching/runs/{run['id']}/proposals?page_size=1&page=2", None, coordinator), 200)
    assert first["total"] == 2 and first["page"] == 1 and first["page_size"] == 1 and len(first["items"]) == 1
    assert first["run"]["id"] == run["id"] and first["run"]["status"] == "succeeded"
    assert first["counts"] == {"proposed": 2} and first["kept"] == 0
    assert first["items"][0]["score"] >= second["items"][0]["score"]
    assert {first["items"][0]["mentee"], second["items"][0]["mentee"]} == {"Amira Haddad", "Omar Yusuf"}
    assert first["items"][0]["breakdown"] == next(x for x in run["proposals"] if x["id"] == first["items"][0]["id"])["breakdown"]

    expect(matching.send("POST", f"/matching/proposals/{first['items'][0]['id']}/approve", None, coordinator), 200)
    after = expect(matching.send("GET", f"/matching/runs/{run['id']}/proposals?status=proposed", None, coordinator), 200)
    assert after["total"] == 1 and after["counts"] == {"proposed": 1, "approved": 1} and after["kept"] == 1
    expect(matching.send("GET", f"/matching/runs/{run['id']}/proposals?page=0", None, coordinator), 422)
    expect(matching.send("GET", f"/matching/runs/{run['id']}/proposals?page_size=501", None, coordinator), 422)


def test_the_unmatched_mentees_come_a_page_at_a_time_by_name_with_their_reasons(matching):
    coordinator = matching.coordinator("saco")
    cohort = matching.cohort("saco")
    matching.person("saco", cohort, "mentee", "Aino Virtanen", mentoring_languages=["fi"])
    matching.person("saco", cohort, "mentee", "Beata Nowak", mentoring_languages=["pl"])
    matching.person("saco", cohort, "mentee", "Amira Haddad", wished_profession=LAW)
    matching.person("saco", cohort, "mentor", "Karin Berg", profession=LAW)
    run = matching.run(coordinator, cohort)
    page = expect(matching.send("GET", f"/matching/runs/{run['id']}/unmatched?page_size=1", None, coordinator), 200)
    assert page["total"] == 2 and [u["mentee"] for u in page["items"]] == ["Aino Virtanen"]
    assert page["items"][0]["reason_code"] == "no_shared_language"
    rest = expect(matching.send("GET", f"/matching/runs/{run['id']}/unmatched?page_size=1&page=2", None, coordinator), 200)
    assert [u["mentee"] for u in rest["items"]] == ["Beata Nowak"]


def test_another_tenant_gets_404_on_a_runs_pages(matching):
    a = matching.coordinator("tenant-a")
    cohort, _p = _lawyers_and_engineers(matching, tenant="tenant-a")
    run = matching.run(a, cohort)
    b = matching.coordinator("tenant-b")
    for path in (f"/matching/runs/{run['id']}/proposals", f"/matching/runs/{run['id']}/unmatched"):
        code, answer = matching.send("GET", path, None, b)
        assert code == 404, f"{path}: {code} {answer}"
