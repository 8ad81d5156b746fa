"""What the coordinator's console needs of notify: how many deliveries a filter finds (to cut the
log into pages), a cohort's announcements a page at a time, and an announcement previewed in
each language with the number of people it would go to, before anything is sent."""

from __future__ import annotations

from tests.notify.conftest import sample
from tests.notify.test_api import _apply_and_send
from tests.skeleton import expect


def _people(notify, cohort: str) -> None:
    people = [("a-1", "Amira Haddad", "amira.haddad@example.se", "sv", "mentee", "accepted"),
              ("a-2", "Aino Korhonen", "aino.korhonen@example.fi", "fi", "mentor", "accepted"),
              ("a-3", "Omar Yusuf", "omar.yusuf@example.no", "nb", "mentee", "accepted")]
    for app_id, name, email, locale, role, status in people:
        notify.feed(f"application.{status}.v1", "saco", sample(f"application.{status}.v1", cohort, application_id=app_id,
                                                               name=name, email=email, locale=locale, role=role, status=status))


def test_the_log_counts_what_a_filter_finds(notify, mail):
    token = notify.coordinator("saco")
    cohort = notify.cohort("saco")
    _people(notify, cohort)
    mail.refuse["aino.korhonen@example.fi"] = "550 No such mailbox"
    _apply_and_send(notify, mail, 2)
    assert expect(notify.send("GET", "/notify/deliveries/count", None, token), 200) == {"total": 3}
    assert expect(notify.send("GET", f"/notify/deliveries/count?cohort_id={cohort}&message=application_accepted",
                              None, token), 200)["total"] == 3
    assert expect(notify.send("GET", "/notify/deliveries/count?person=a-1", None, token), 200)["total"] == 1
    page = expect(notify.send("GET", "/notify/deliveries?limit=2&offset=2", None, token), 200)
    assert len(page) == 1
    expect(notify.send("GET", "/notify/deliveries/count?cohort_id=no-such-cohort", None, token), 404)
    other = notify.coordinator("akava")
    assert expect(notify.send("GET", "/notify/deliveries/count", None, other), 200) == {"total": 0}


def test_an_announcement_is_previewed_in_each_language_and_its_readers_counted_before_it_is_sent(notify, mail):
    token = notify.coordinator("saco")
    cohort = notify.cohort("saco")
    _people(notify, cohort)
    _apply_and_send(notify, mail, 3)
    sent_before = len(mail.received)
    body = {"subject": {"sv": "Ny lokal den 31 januari", "en": "A new venue on 31 January"},
            "body": {"sv": "Halvdagsträffen hålls i sal B.", "en": "The half-day meeting is in room B."}}
    preview = expect(notify.send("POST", f"/notify/cohorts/{cohort}/announcements/preview", body, token), 200)
    assert (preview["recipients"], preview["roles"], preview["opted_out"]) == (3, {"mentee": 2, "mentor": 1}, 0)
    by_locale = {p["locale"]: p for p in preview["previews"]}
    assert list(by_locale) == ["sv", "fi", "nb", "en"]
    assert by_locale["sv"]["subject"] == "Ny lokal den 31 januari" and "sal B" in by_locale["sv"]["text"]
    assert by_locale["en"]["subject"] == "A new venue on 31 January"
    assert by_locale["fi"]["subject"] == "Ny lokal den 31 januari"  # the programme's language before English
    mentors = expect(notify.send("POST", f"/notify/cohorts/{cohort}/announcements/preview",
                                 {**body, "roles": ["mentor"]}, token), 200)
    assert mentors["recipients"] == 1
    _apply_and_send(notify, mail, sent_before + 1)
    assert len(mail.received) == sent_before  # a preview sends nothing
    assert expect(notify.send("GET", f"/notify/cohorts/{cohort}/announcements/count", None, token), 200) == {"total": 0}
    bad = expect(notify.send("POST", f"/notify/cohorts/{cohort}/announcements/preview", {"subject": {"sv": "x"}}, token), 422)
    assert "body" in bad["errors"]["json"]
    expect(notify.send("POST", f"/notify/cohorts/{cohort}/announcements/preview", body, notify.coordinator("akava")), 404)


def test_a_cohorts_announcements_come_a_page_at_a_time(notify, mail):
    token = notify.coordinator("saco")
    cohort = notify.cohort("saco")
    _people(notify, cohort)
    for n in range(3):
        expect(notify.send("POST", f"/notify/cohorts/{cohort}/announcements",
                           {"subject": {"sv": f"Nummer {n}"}, "body": {"sv": "Hej"}}, token), 201)
    assert expect(notify.send("GET", f"/notify/cohorts/{cohort}/announcements/count", None, token), 200) == {"total": 3}
    first = expect(notify.send("GET", f"/notify/cohorts/{cohort}/announcements?limit=2", None, token), 200)
    rest = expect(notify.send("GET", f"/notify/cohorts/{cohort}/announcements?limit=2&offset=2", None, token), 200)
    assert len(first) == 2 and len(rest) == 1
    assert len(expect(notify.send("GET", f"/notify/cohorts/{cohort}/announcements", None, token), 200)) == 3
    expect(notify.send("GET", f"/notify/cohorts/{cohort}/announcements/count", None, notify.coordinator("akava")), 404)
