"""A coordinator's applications in the console, through the Flask client: the list filtered,
searched and a page at a time, the waiting list in order, decisions said before they are sent,
the two CSV downloads, nominations accepted per organisation and a representative invited — and
another tenant's coordinator finds none of it."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from tests.skeleton import applicant, expect

from .console import coordinator, sign_in

ORGANISATIONS = [{"id": "skatteverket", "name": "Skatteverket"}, {"id": "forsakringskassan", "name": "Försäkringskassan"},
                 {"id": "lansstyrelsen", "name": "Länsstyrelsen"}]
PROFESSIONS = [{"code": "2631", "title": "Nationalekonom"}, {"code": "2611", "title": "Jurist"}]


def mentor(email: str, name: str) -> dict:
    return {**applicant(email), "role": "mentor", "name": name, "wished_profession": None,
            "profession": {"code": "2611", "title": "Jurist"}, "capacity": 1, "employer": "Skatteverket"}


def spring_cohort(tandem, person) -> dict:
    """The agency's spring cohort: 20 places first come, three member organisations whose
    representatives nominate a mentor each, two mentors and 22 mentees who applied; the first 20
    mentees have a place and 2 wait."""
    run = uuid.uuid4().hex[:6]
    programme = tandem.programme(person.token, member_organisations=ORGANISATIONS, professions=PROFESSIONS)
    training = {"kind": "training", "title": {"sv": "Utbildningsdagar", "en": "Training days"},
                "starts_at": "2027-02-03T10:00:00", "ends_at": "2027-02-04T12:30:00", "venue": "Sigtuna", "mandatory": True}
    cohort = tandem.open_cohort(person.token, programme, nomination_deadline="2027-01-15T16:00:00+00:00",
                                group_events=[training])
    for n, org in enumerate(ORGANISATIONS):
        rep = tandem.representative(person.token, org["id"])
        expect(tandem.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",
                           {"name": f"Nominerad {n + 1}", "email": f"nominee{n}-{run}@example.se", "rank": 1}, rep), 201)
    mentees = []
    for n in range(22):
        profession = PROFESSIONS[n % 2]
        mentees.append(tandem.apply(cohort, f"mentee{n:02d}-{run}@example.se", name=f"Mentee {n + 1:02d} Svensson",
                                    wished_profession=profession))
    for n in range(2):
        expect(tandem.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications",
                           mentor(f"mentor{n}-{run}@example.se", f"Mentor {n + 1} Lind"), None), 201)
    return {"cohort": cohort, "programme": programme, "mentees": mentees, "run": run}


@pytest.fixture(scope="module")
def spring(tandem):
    person = coordinator(tandem)
    return {"person": person, **spring_cohort(tandem, person)}


@pytest.fixture(scope="module")
def client(tandem, web, spring):
    """Signed in once: a staff member is sent at most three sign-in links a quarter of an hour."""
    signed = web.test_client()
    sign_in(tandem, signed, spring["person"])
    return signed


def text(answer) -> str:
    return answer.get_data(as_text=True)


def test_the_list_filters_searches_and_pages_on_the_server(spring, client):
    cohort = spring["cohort"]
    page = client.get(f"/console/cohorts/{cohort['id']}/applications?lang=en")
    assert page.status_code == 200
    body = text(page)
    assert "24 applications" in body and "20 of 20 places are taken. 2 are on the waiting list." in body
    assert body.count('name="ids"') == 24
    waitlisted = client.get(f"/console/cohorts/{cohort['id']}/applications?lang=en&status=waitlisted&role=mentee")
    assert "2 applications" in text(waitlisted) and "Mentee 21 Svensson" in text(waitlisted)
    assert "Mentee 22 Svensson" in text(waitlisted) and "Mentee 01 Svensson" not in text(waitlisted)
    lawyers = client.get(f"/console/cohorts/{cohort['id']}/applications?lang=en&profession=2611")
    assert "13 applications" in text(lawyers)  # 11 mentees and 2 mentors
    found = client.get(f"/console/cohorts/{cohort['id']}/applications?lang=en&q=MENTEE07")
    assert "1 applications" in text(found) and "Mentee 08 Svensson" in text(found)


def test_the_waiting_list_reads_in_order(spring, client):
    body = text(client.get(f"/console/cohorts/{spring['cohort']['id']}/applications?lang=en"))
    waiting = body[body.index('class="waiting-list"'):]
    assert waiting.index("Mentee 21 Svensson") < waiting.index("Mentee 22 Svensson")


def test_the_api_cuts_pages_and_counts_the_whole(tandem, spring):
    import json
    import urllib.request

    request = urllib.request.Request(f"{tandem.url}/intake/cohorts/{spring['cohort']['id']}/applications?page=2&page_size=10",
                                     headers={"Authorization": f"Bearer {spring['person'].token}"})
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        rows, paging = json.loads(answer.read()), json.loads(answer.headers["X-Pagination"])
    assert len(rows) == 10 and paging["total"] == 24 and paging["page"] == 2
    assert [r["arrival"] for r in rows] == sorted(r["arrival"] for r in rows)


def test_decisions_are_said_before_they_are_sent(tandem, spring, client):
    cohort = spring["cohort"]
    two = expect(tandem.send("GET", f"/intake/cohorts/{cohort['id']}/applications?role=mentor", None, spring["person"].token), 200)
    ids = [a["id"] for a in two]
    asked = client.post(f"/console/cohorts/{cohort['id']}/decisions?lang=en", data={"ids": ids, "decision": "rejected"})
    assert asked.status_code == 200
    assert "2 people get an e-mail saying that they did not get a place." in text(asked)
    still = expect(tandem.send("GET", f"/intake/applications/{ids[0]}", None, spring["person"].token), 200)
    assert still["status"] == "accepted"  # asking sends nothing
    done = client.post(f"/console/cohorts/{cohort['id']}/decisions?lang=en",
                       data={"ids": ids, "decision": "rejected", "confirmed": "yes"})
    assert done.status_code == 200 and "2 applications are now: Rejected." in text(done)
    for id_ in ids:
        assert expect(tandem.send("GET", f"/intake/applications/{id_}", None, spring["person"].token), 200)["status"] == "rejected"
    none = client.post(f"/console/cohorts/{cohort['id']}/decisions?lang=en", data={"decision": "accepted"})
    assert none.status_code == 422


def test_an_application_has_its_page(spring, client):
    first = spring["mentees"][0]
    page = client.get(f"/console/applications/{first['id']}?lang=en")
    assert page.status_code == 200 and "Mentee 01 Svensson" in text(page) and "Economists" in text(page)


def test_both_csv_downloads_carry_the_filtered_rows(spring, client):
    cohort = spring["cohort"]
    plain = client.get(f"/console/cohorts/{cohort['id']}/applications.csv?lang=en&role=mentee")
    assert plain.status_code == 200 and plain.mimetype == "text/csv"
    raw = plain.get_data()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0][:3] == ["Arrival", "Role", "Name"] and len(rows) == 23
    assert [r[2] for r in rows[1:3]] == ["Mentee 01 Svensson", "Mentee 02 Svensson"]
    excel = client.get(f"/console/cohorts/{cohort['id']}/applications.csv?lang=sv&excel=1&status=waitlisted")
    raw = excel.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3 and [r[2] for r in rows[1:]] == ["Mentee 21 Svensson", "Mentee 22 Svensson"]
    english = client.get(f"/console/cohorts/{cohort['id']}/applications.csv?lang=en&excel=1")
    assert english.get_data().decode("utf-8-sig").splitlines()[0].count(",") == 9


def test_nominations_are_ranked_per_organisation_accepted_after_saying_so_and_a_representative_is_invited(tandem, spring, client):
    cohort = spring["cohort"]
    page = client.get(f"/console/cohorts/{cohort['id']}/nominations?lang=en")
    body = text(page)
    assert page.status_code == 200
    assert body.index("Skatteverket") < body.index("Försäkringskassan") < body.index("Länsstyrelsen")
    nominations = expect(tandem.send("GET", f"/intake/cohorts/{cohort['id']}/nominations", None, spring["person"].token), 200)
    first = nominations[0]
    asked = client.post(f"/console/cohorts/{cohort['id']}/nominations/{first['id']}?lang=en", data={"decision": "accept"})
    assert "gets an e-mail with a personal link to the mentor form" in text(asked)
    done = client.post(f"/console/cohorts/{cohort['id']}/nominations/{first['id']}?lang=en",
                       data={"decision": "accept", "confirmed": "yes"})
    assert done.status_code == 302
    after = expect(tandem.send("GET", f"/intake/cohorts/{cohort['id']}/nominations", None, spring["person"].token), 200)
    assert next(n for n in after if n["id"] == first["id"])["status"] == "accepted"

    bad = client.post(f"/console/cohorts/{cohort['id']}/nominations?lang=en",
                      data={"name": "Eva Ek", "email": "not-an-address", "organisation": "skatteverket", "locale": "sv"})
    assert bad.status_code == 422 and 'id="email-error"' in text(bad) and 'value="Eva Ek"' in text(bad)
    email = f"eva-{spring['run']}@skatteverket.example.se"
    good = client.post(f"/console/cohorts/{cohort['id']}/nominations?lang=en",
                       data={"name": "Eva Ek", "email": email, "organisation": "skatteverket", "locale": "sv"})
    assert good.status_code == 200 and "We have sent Eva Ek an e-mail" in text(good)
    staff = expect(tandem.send("GET", "/intake/staff", None, spring["person"].token), 200)
    eva = next(s for s in staff if s["email"] == email)
    assert eva["role"] == "representative" and eva["organisation"] == "skatteverket"


def test_another_tenants_coordinator_gets_404_on_these_addresses(tandem, web, spring):
    other = web.test_client()
    sign_in(tandem, other, coordinator(tandem))
    cohort, first = spring["cohort"], spring["mentees"][0]
    for path in (f"/console/cohorts/{cohort['id']}/applications", f"/console/cohorts/{cohort['id']}/applications.csv",
                 f"/console/applications/{first['id']}", f"/console/cohorts/{cohort['id']}/nominations"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/console/cohorts/{cohort['id']}/decisions",
                      data={"ids": [first["id"]], "decision": "rejected", "confirmed": "yes"}).status_code == 404
    assert spring["cohort"]["id"] not in text(other.get("/console/applications"))
