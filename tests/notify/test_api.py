"""What coordinators do with notify: read the delivery log, word a message their own way, write
to a cohort, and set a person's choices — each confined to their own tenant."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from tests.notify.conftest import sample, text_of
from tests.skeleton import expect


def _apply_and_send(notify, mail, expected: int) -> None:
    for _ in range(40):
        notify.dispatch()
        if len(mail.received) >= expected:
            return
        time.sleep(0.05)


def test_the_delivery_log_answers_by_person_event_status_and_time(notify, mail):
    token = notify.coordinator("saco")
    cohort = notify.cohort("saco")
    accepted = notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort))
    confirmed = notify.feed("match.confirmed.v1", "saco", sample("match.confirmed.v1", cohort))
    mail.refuse["aino.korhonen@example.fi"] = "550 No such mailbox"
    _apply_and_send(notify, mail, 2)
    mentee_id = sample("match.confirmed.v1")["mentee"]["application_id"]

    everything = expect(notify.send("GET", "/notify/deliveries", None, token), 200)
    assert len(everything) == 3 and everything[0]["message"] == "application_accepted"  # a log: oldest first
    newest = expect(notify.send("GET", "/notify/deliveries?order=newest", None, token), 200)
    assert [d["id"] for d in newest] == [d["id"] for d in reversed(everything)]
    by_person = expect(notify.send("GET", f"/notify/deliveries?person={mentee_id}", None, token), 200)
    assert {d["message"] for d in by_person} == {"application_accepted", "match_confirmed"}
    by_address = expect(notify.send("GET", "/notify/deliveries?person=Leyla.Rahimi@example.se", None, token), 200)
    assert len(by_address) == 2
    by_event = expect(notify.send("GET", f"/notify/deliveries?event_id={confirmed.id}", None, token), 200)
    assert {d["recipient"] for d in by_event} == {"leyla.rahimi@example.se", "aino.korhonen@example.fi"}
    failed = expect(notify.send("GET", "/notify/deliveries?status=failed", None, token), 200)
    assert [d["recipient"] for d in failed] == ["aino.korhonen@example.fi"] and "550" in failed[0]["last_error"]
    later = quote((datetime.now(UTC) + timedelta(minutes=5)).isoformat())
    assert expect(notify.send("GET", f"/notify/deliveries?since={later}", None, token), 200) == []
    assert len(expect(notify.send("GET", f"/notify/deliveries?until={later}&limit=2", None, token), 200)) == 2
    assert expect(notify.send("GET", f"/notify/deliveries?event_id={accepted.id}&channel=webhook", None, token), 200) == []

    bad = expect(notify.send("GET", "/notify/deliveries?status=lost&limit=0&since=yesterday", None, token), 422)
    assert set(bad["errors"]["query"]) == {"status", "limit", "since"}
    one = expect(notify.send("GET", f"/notify/deliveries/{failed[0]['id']}", None, token), 200)
    assert one["body_text"] and "Hei Aino Korhonen" in one["body_text"]  # kept while it may be sent again
    mail.refuse.clear()
    retried = expect(notify.send("POST", f"/notify/deliveries/{failed[0]['id']}/retry", None, token), 200)
    assert retried["status"] == "pending" and retried["attempts"] == 0
    _apply_and_send(notify, mail, 3)
    assert notify.deliveries(id=failed[0]["id"])[0]["status"] == "sent"
    again = expect(notify.send("POST", f"/notify/deliveries/{failed[0]['id']}/retry", None, token), 409)
    assert again["errors"]["status"] == ["sent"]


def test_another_tenant_sees_none_of_it(notify, mail):
    cohort = notify.cohort("saco")
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort))
    delivery, = notify.deliveries()
    other = notify.coordinator("oske")
    assert expect(notify.send("GET", "/notify/deliveries", None, other), 200) == []
    expect(notify.send("GET", f"/notify/deliveries/{delivery['id']}", None, other), 404)
    expect(notify.send("POST", f"/notify/deliveries/{delivery['id']}/retry", None, other), 404)
    expect(notify.send("POST", f"/notify/cohorts/{cohort}/announcements",
                       {"subject": {"en": "Hello"}, "body": {"en": "Hi"}}, other), 404)
    expect(notify.send("GET", "/notify/deliveries", None, None), 401)
    # an operator reads a tenant's log by naming it
    operator = notify.operator()
    assert len(expect(notify.send("GET", "/notify/deliveries?tenant=saco", None, operator), 200)) == 1
    missing = expect(notify.send("GET", "/notify/deliveries", None, operator), 422)
    assert "tenant" in missing["errors"]["query"]


def test_a_tenant_words_a_message_its_own_way_checked_in_the_sandbox(notify, mail):
    token = notify.coordinator("saco")
    kinds = expect(notify.send("GET", "/notify/templates", None, token), 200)
    received = next(k for k in kinds if k["message"] == "application_received")
    assert received["essential"] and received["locales"] == ["sv", "fi", "nb", "en"] and "programme" in received["variables"]
    current = expect(notify.send("GET", "/notify/templates/application_received/sv", None, token), 200)
    assert current["overridden"] is False and current["subject"].startswith("Vi har tagit emot")

    broken = expect(notify.send("PUT", "/notify/templates/application_received/sv",
                                {"subject": "Välkommen {{ name ", "text": "Hej {{ nmae }}"}, token), 422)
    assert broken["errors"]["json"]["subject"][0].startswith("line 1:")
    undefined = expect(notify.send("PUT", "/notify/templates/application_received/sv", {"text": "Hej {{ nmae }}"}, token), 422)
    assert "'nmae' is undefined" in undefined["errors"]["json"]["text"][0]
    escape = expect(notify.send("PUT", "/notify/templates/application_received/sv",
                                {"text": "{{ name.__class__.__mro__[1].__subclasses__() }}"}, token), 422)
    assert escape["errors"]["json"]["text"][0].startswith("not allowed")
    for greedy in ('{{ "x" * 10**9 }}', "{% for i in range(10**6) %}.{% endfor %}",
                   "{% for a in [1] %}{% for b in [1] %}{% for c in [1] %}{% endfor %}{% endfor %}{% endfor %}"):
        expect(notify.send("PUT", "/notify/templates/application_received/sv", {"text": greedy}, token), 422)
    expect(notify.send("PUT", "/notify/templates/application_received/xx", {"text": "Hej"}, token), 404)
    expect(notify.send("PUT", "/notify/templates/application_received/sv", {}, token), 422)

    wording = {"subject": "Tack, {{ name }}!", "text": "{% extends \"sv/_layout.txt\" %}{% block body %}Din ansökan till "
               "{{ programme }} har kommit fram. Vi på Saco hör av oss.{% endblock %}"}
    saved = expect(notify.send("PUT", "/notify/templates/application_received/sv", wording, token), 200)
    assert saved["overridden"] and saved["html"] == current["html"]  # a part left out keeps the platform's
    preview = expect(notify.send("POST", "/notify/templates/application_received/sv/preview", {}, token), 200)
    assert preview["subject"] == "Tack, Leyla Rahimi!" and "Vi på Saco hör av oss." in preview["text"]

    cohort = notify.cohort("saco")
    notify.feed("application.submitted.v1", "saco", sample("application.submitted.v1", cohort, name="Amira Haddad",
                                                           email="amira.haddad@example.se"))
    notify.feed("application.submitted.v1", "oske", sample("application.submitted.v1", application_id="a-o",
                                                           email="omar.yusuf@example.se"))
    _apply_and_send(notify, mail, 2)
    ours, = mail.to("amira.haddad@example.se")
    assert ours["Subject"] == "Tack, Amira Haddad!" and "Vi på Saco hör av oss." in text_of(ours)
    assert "Med vänliga hälsningar" in text_of(ours)  # the layout it extends
    theirs, = mail.to("omar.yusuf@example.se")  # another tenant keeps the platform's wording
    assert theirs["Subject"].startswith("Vi har tagit emot din ansökan")
    expect(notify.send("DELETE", "/notify/templates/application_received/sv", None, token), 204)
    expect(notify.send("DELETE", "/notify/templates/application_received/sv", None, token), 404)


def test_a_coordinator_writes_to_a_cohort_and_each_reads_it_in_their_own_language(notify, mail):
    token = notify.coordinator("saco")
    cohort = notify.cohort("saco")
    people = [("a-1", "Amira Haddad", "amira.haddad@example.se", "sv", "mentee", "accepted"),
              ("a-2", "Aino Korhonen", "aino.korhonen@example.fi", "fi", "mentor", "accepted"),
              ("a-3", "Omar Yusuf", "omar.yusuf@example.no", "nb", "mentee", "accepted"),
              ("a-4", "Sara Ahmadi", "sara.ahmadi@example.se", "sv", "mentee", "waitlisted")]
    for app_id, name, email, locale, role, status in people:
        notify.feed(f"application.{status}.v1", "saco", sample(f"application.{status}.v1", cohort, application_id=app_id,
                                                               name=name, email=email, locale=locale, role=role, status=status))
    _apply_and_send(notify, mail, 4)
    mail.received.clear()
    body = {"subject": {"sv": "Ny lokal den 31 januari", "en": "A new venue on 31 January"},
            "body": {"sv": "Halvdagsträffen hålls i sal B.\n\nVälkomna!", "en": "The half-day meeting is in room B.\n\nWelcome!"}}
    made = expect(notify.send("POST", f"/notify/cohorts/{cohort}/announcements", body, token), 201)
    assert made["recipients"] == 3  # the accepted ones, mentees and mentors
    _apply_and_send(notify, mail, 3)
    assert mail.to("amira.haddad@example.se")[0]["Subject"] == "Ny lokal den 31 januari"
    assert "sal B" in text_of(mail.to("amira.haddad@example.se")[0])
    # Finnish and Norwegian readers get the programme's language (Swedish) before English
    assert mail.to("aino.korhonen@example.fi")[0]["Subject"] == "Ny lokal den 31 januari"
    assert "Hei Aino Korhonen" in text_of(mail.to("aino.korhonen@example.fi")[0])  # the frame in their own language
    assert mail.to("sara.ahmadi@example.se") == []
    assert mail.to("amira.haddad@example.se")[0]["List-Unsubscribe"]  # not essential: one may opt out
    only_mentors = expect(notify.send("POST", f"/notify/cohorts/{cohort}/announcements",
                                      {**body, "roles": ["mentor"], "essential": True}, token), 201)
    assert only_mentors["recipients"] == 1
    listed = expect(notify.send("GET", f"/notify/cohorts/{cohort}/announcements", None, token), 200)
    assert [a["recipients"] for a in listed] == [1, 3]
    bad = expect(notify.send("POST", f"/notify/cohorts/{cohort}/announcements",
                             {"subject": {"de": "Hallo"}, "body": {"sv": "x"}, "roles": ["coach"]}, token), 422)
    assert {"subject", "roles"} <= set(bad["errors"]["json"])
    expect(notify.send("POST", "/notify/cohorts/no-such-cohort/announcements", body, token), 404)


def test_a_person_chooses_what_they_receive_and_a_coordinator_can_do_it_for_them(notify, mail):
    token = notify.coordinator("saco")
    cohort = notify.cohort("saco")
    chosen = expect(notify.send("PUT", "/notify/preferences", {"email": "Leyla.Rahimi@example.se",
                                                               "opted_out": ["meeting_reminder"], "time_zone": "Europe/Helsinki"},
                                token), 200)
    assert chosen["opted_out"] == ["meeting_reminder"] and "survey_due" in chosen["optional"]
    assert expect(notify.send("GET", "/notify/preferences?email=leyla.rahimi@example.se", None, token), 200)["time_zone"] == "Europe/Helsinki"
    bad = expect(notify.send("PUT", "/notify/preferences", {"email": "x", "opted_out": ["match_confirmed"],
                                                            "time_zone": "Mars/Olympus"}, token), 422)
    assert set(bad["errors"]["json"]) == {"email", "opted_out", "time_zone"}
    notify.feed("meeting.reminder_due.v1", "saco", sample("meeting.reminder_due.v1", cohort))
    notify.feed("meeting.scheduled.v1", "saco", sample("meeting.scheduled.v1", cohort))
    _apply_and_send(notify, mail, 3)
    to_leyla = mail.to("leyla.rahimi@example.se")
    assert len(to_leyla) == 1 and "kl. 17:00–19:00 (Finlandtid)" in text_of(to_leyla[0])  # her own time zone
    # and through the personal link in a message
    link = mail.to("aino.korhonen@example.fi")[0]["List-Unsubscribe"].strip().strip("<>")
    token_param = link.split("token=")[1].split("&")[0]
    mine = expect(notify.send("PUT", f"/notify/preferences/mine?token={token_param}", {"opted_out": ["*"]}, None), 200)
    assert mine["opted_out"] == ["*"]
    assert expect(notify.send("GET", f"/notify/preferences/mine?token={token_param}", None, None), 200)["opted_out"] == ["*"]
    expect(notify.send("GET", "/notify/preferences/mine", None, token), 403)
