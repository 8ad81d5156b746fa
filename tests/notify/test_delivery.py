"""Messages leave notify over a real SMTP server on loopback: once each, in the reader's language,
with the headers a careful sender sets; retried while the server is away, failed at once when it
refuses for good — and the coordinator sees which in the delivery log."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import icalendar

from services.notify import store
from services.notify.dispatch import Dispatcher
from services.notify.domain.deliveries import Outcome
from services.notify.usecases.sending import claim, settle
from services.shared import clock, metrics
from tests.notify.conftest import html_of, person, sample, text_of
from tests.skeleton import expect


def _sent(notify, mail, expected: int, rounds: int = 50) -> None:
    for _ in range(rounds):
        notify.dispatch()
        if len(mail.received) >= expected:
            return
        time.sleep(0.05)


def test_an_applicant_hears_in_swedish_with_the_headers_of_a_careful_sender(notify, mail):
    cohort = notify.cohort("saco")
    notify.feed("application.submitted.v1", "saco", sample("application.submitted.v1", cohort, name="Amira Haddad",
                                                           email="Amira.Haddad@example.se", locale="sv"))
    assert notify.dispatch() == 1
    message, = mail.received
    assert message["Subject"].startswith("Vi har tagit emot din ansökan till Mentorprogrammet")
    assert message["To"] == "amira.haddad@example.se"
    assert message["From"] == "Mentorprogrammet <no-reply@tandem.example.org>"
    assert message["Reply-To"] == "karin.ek@example.se"  # the programme's contact person, not a no-reply box
    assert message["Message-ID"].endswith("@tandem.example.org>") and message["Date"]
    assert message["Content-Language"] == "sv" and message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe"] is None  # about one's own application: essential
    assert message.get_content_type() == "multipart/alternative"
    assert "Tack för din ansökan" in text_of(message) and "Tack för din ansökan" in html_of(message)
    delivery, = expect(notify.send("GET", "/notify/deliveries?status=sent", None, notify.coordinator("saco")), 200)
    assert (delivery["recipient"], delivery["locale"], delivery["message"]) == ("amira.haddad@example.se", "sv", "application_received")
    assert delivery["subject"].startswith("Vi har tagit emot din ansökan")
    row, = notify.deliveries()
    assert row["body_text"] is None and row["body_html"] is None and row["headers"] is None  # not kept once delivered
    sent, = notify.outbox("notification.sent")
    assert sent["data"]["recipient_id"] == row["person_id"] and "amira" not in str(sent).lower()


def test_a_swedish_mentee_and_a_finnish_speaking_mentor_each_hear_in_their_own_language(notify, mail):
    cohort = notify.cohort("saco", share_contact_details=["email"])
    mentee = {"application_id": "a-1", "name": "Amira Haddad", "email": "amira.haddad@example.se", "locale": "sv",
              "phone": None, "languages": ["sv", "en"], "profession": "2611", "profession_title": "Bolagsjurist"}
    mentor = {"application_id": "a-2", "name": "Aino Korhonen", "email": "aino.korhonen@example.fi", "locale": "fi",
              "phone": None, "languages": ["fi", "sv", "en"], "profession": "2611", "profession_title": "Lakimies"}
    notify.feed("match.confirmed.v1", "saco", sample("match.confirmed.v1", cohort, mentee=mentee, mentor=mentor,
                                                     shared_languages=["sv", "en"], share_contact_details=["email"]))
    _sent(notify, mail, 2)
    to_mentee, = mail.to("amira.haddad@example.se")
    to_mentor, = mail.to("aino.korhonen@example.fi")
    assert to_mentee["Content-Language"] == "sv" and to_mentee["Subject"] == "Möt din mentor i Mentorprogrammet"
    assert to_mentor["Content-Language"] == "fi" and to_mentor["Subject"] == "Tutustu aktoriisi: Mentorointiohjelma"
    mentee_text, mentor_text = text_of(to_mentee), text_of(to_mentor)
    # each is introduced to the other, with the contact details the programme allows (e-mail only)
    assert "Aino Korhonen" in mentee_text and "aino.korhonen@example.fi" in mentee_text and "Telefon" not in mentee_text
    assert "Amira Haddad" in mentor_text and "amira.haddad@example.se" in mentor_text and "Puhelin" not in mentor_text
    assert "svenska och engelska" in mentee_text and "ruotsi ja englanti" in mentor_text
    assert "Nästa steg" in mentee_text and "Seuraavat askeleet" in mentor_text
    assert "31 augusti 2027" in mentee_text and "31. elokuuta 2027" in mentor_text


def test_a_programme_that_shares_no_contact_details_puts_the_pair_in_touch_itself(notify, mail):
    cohort = notify.cohort("saco", share_contact_details=[])
    notify.feed("match.confirmed.v1", "saco", sample("match.confirmed.v1", cohort, share_contact_details=[]))
    _sent(notify, mail, 2)
    text = text_of(mail.to("leyla.rahimi@example.se")[0])
    assert "aino.korhonen@example.fi" not in text and "+358" not in text
    assert "Vi sätter er i kontakt med varandra" in text


def test_a_redelivered_event_sends_nothing_twice(notify, mail):
    cohort = notify.cohort("saco")
    event = notify.event("match.confirmed.v1", "saco", sample("match.confirmed.v1", cohort))
    assert notify.apply(event)
    assert not notify.apply(event)  # the inbox knows it
    _sent(notify, mail, 2)
    # and were the inbox row lost, the delivery log still holds one per (event, recipient, channel)
    with notify.engine.begin() as conn:
        conn.execute(store.INBOX.delete())
    assert notify.apply(event)
    _sent(notify, mail, 3, rounds=5)
    assert len(mail.received) == 2 and len(notify.deliveries()) == 2


def test_while_the_smtp_server_is_away_nothing_is_lost_and_everything_arrives_once(notify, mail):
    cohort = notify.cohort("saco")
    mail.stop()
    addresses = [f"adept{n}@example.se" for n in range(12)]
    for n, address in enumerate(addresses):
        notify.feed("application.accepted.v1", "saco",
                    sample("application.accepted.v1", cohort, application_id=f"a-{n}", email=address, name=f"Adept {n}"))
    for _ in range(8):  # the server stays away for a while; the dispatcher keeps probing
        notify.dispatch()
        time.sleep(0.05)
    waiting = notify.deliveries(status="pending")
    assert len(waiting) == 12 and all(d["attempts"] == 0 for d in waiting)  # no message is charged for the outage
    assert "SMTP server" in waiting[0]["last_error"]
    mail.start()
    _sent(notify, mail, 12)
    assert sorted(m["To"].addresses[0].addr_spec for m in mail.received) == sorted(addresses)
    assert {d["status"] for d in notify.deliveries()} == {"sent"}
    notify.dispatch(rounds=3)
    assert len(mail.received) == 12


def test_a_mailbox_that_does_not_exist_fails_at_once_visibly(notify, mail, caplog):
    cohort = notify.cohort("oske")
    mail.refuse["nobody@example.fi"] = "550 5.1.1 <nobody@example.fi>: Recipient address rejected"
    failed_before = metrics.NOTIFICATIONS_FAILED.labels("notify", "email", "oske")._value.get()
    notify.feed("application.accepted.v1", "oske", sample("application.accepted.v1", cohort, email="nobody@example.fi"))
    notify.feed("application.accepted.v1", "oske", sample("application.accepted.v1", cohort, application_id="a-ok",
                                                          email="somebody@example.fi"))
    with caplog.at_level(logging.ERROR, logger="services.notify.dispatch"):
        notify.dispatch()
    failed, = notify.deliveries(status="failed")
    assert failed["attempts"] == 1 and "550" in failed["last_error"]
    assert "nobody@example.fi" not in failed["last_error"]  # the error is logged without the address
    assert [r for r in caplog.records if failed["id"] in r.getMessage() and "550" in r.getMessage()]
    assert metrics.NOTIFICATIONS_FAILED.labels("notify", "email", "oske")._value.get() == failed_before + 1
    event, = notify.outbox("notification.failed")
    assert event["data"]["delivery_id"] == failed["id"] and event["data"]["permanent"] is True
    assert event["data"]["cause_event_type"] == "application.accepted.v1"
    assert [m["To"] for m in mail.received] == ["somebody@example.fi"]  # the other went on
    logged = expect(notify.send("GET", "/notify/deliveries?status=failed", None, notify.coordinator("oske")), 200)
    assert [d["id"] for d in logged] == [failed["id"]]
    notify.dispatch(rounds=2)
    assert len(mail.received) == 1  # and it is not tried again


def test_a_temporary_refusal_is_retried_until_it_succeeds_or_the_attempts_run_out(notify, mail):
    cohort = notify.cohort("saco")
    mail.refuse["busy@example.se"] = "451 4.3.0 Try again later"
    mail.refuse["full@example.se"] = "452 4.2.2 Mailbox full"
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort, email="busy@example.se"))
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort, application_id="a-x",
                                                          email="full@example.se"))
    notify.dispatch()
    busy = notify.deliveries(recipient="busy@example.se")[0]
    assert busy["status"] == "pending" and busy["attempts"] == 1 and busy["next_attempt_at"] > busy["updated_at"]
    del mail.refuse["busy@example.se"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and {d["status"] for d in notify.deliveries()} != {"sent", "failed"}:
        notify.dispatch()
        time.sleep(0.05)
    assert notify.deliveries(recipient="busy@example.se")[0]["status"] == "sent"
    full = notify.deliveries(recipient="full@example.se")[0]
    assert full["status"] == "failed" and full["attempts"] == notify.settings.max_attempts
    assert full["last_error"].startswith(f"gave up after {notify.settings.max_attempts} attempts")
    event, = notify.outbox("notification.failed")
    assert event["data"]["permanent"] is False


def test_meeting_invitations_carry_a_calendar_entry_that_later_moves_and_is_cancelled(notify, mail):
    cohort = notify.cohort("saco")
    mentee = person("Amira Haddad", "amira.haddad@example.se", "sv", "mentee")
    mentor = person("Aino Korhonen", "aino.korhonen@example.fi", "fi", "mentor")
    base = sample("meeting.scheduled.v1", cohort, mentee=mentee, mentor=mentor, time_zone="Europe/Helsinki")
    notify.feed("meeting.scheduled.v1", "saco", base)
    moved = {**base, "starts_at": datetime(2027, 3, 9, 15, tzinfo=UTC), "ends_at": datetime(2027, 3, 9, 17, tzinfo=UTC),
             "sequence": 1, "previous_starts_at": base["starts_at"]}
    notify.feed("meeting.rescheduled.v1", "saco", moved)
    notify.feed("meeting.cancelled.v1", "saco", {**moved, "sequence": 2, "reason": "cancelled by the pair"})
    _sent(notify, mail, 6)
    calendars = []
    for message in mail.to("aino.korhonen@example.fi"):
        attachment, = message.iter_attachments()
        assert attachment.get_content_type() == "text/calendar" and attachment.get_filename() == "invite.ics"
        calendar = icalendar.Calendar.from_ical(attachment.get_content())
        assert attachment.get_param("method") == str(calendar["METHOD"])
        calendars.append((str(calendar["METHOD"]), calendar.walk("VEVENT")[0]))
    assert [method for method, _ in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({str(event["UID"]) for _, event in calendars}) == 1
    assert [int(event["SEQUENCE"]) for _, event in calendars] == [0, 1, 2]
    first = text_of(mail.to("aino.korhonen@example.fi")[0])
    assert "tiistai 2. maaliskuuta 2027 klo 17.00–19.00" in first  # Helsinki time for the cohort in Helsinki
    assert "Aika:" in first and "Mentorointitapaaminen" in mail.to("aino.korhonen@example.fi")[0]["Subject"]


def test_what_is_not_essential_can_be_unsubscribed_with_one_click(notify, mail):
    cohort = notify.cohort("saco")
    reminder = sample("meeting.reminder_due.v1", cohort)
    notify.feed("meeting.reminder_due.v1", "saco", reminder)
    _sent(notify, mail, 2)
    message = mail.to("leyla.rahimi@example.se")[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip().strip("<>")
    assert url.startswith("https://tandem.example.org/notify/unsubscribe?token=")  # the mail client posts here
    token = url.partition("token=")[2].partition("&")[0]
    # the link a reader follows opens the web front's page, with the same personal token
    assert f"https://tandem.example.org/unsubscribe?token={token}&lang=sv" in text_of(message)
    path = url.removeprefix("https://tandem.example.org")
    page = notify.client.get(path)  # opening the link only asks
    assert page.status_code == 200 and "Avsluta utskick" in page.get_data(as_text=True)
    done = notify.client.post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and "Klart" in done.get_data(as_text=True)
    notify.feed("meeting.reminder_due.v1", "saco", {**reminder, "days_before": 0})
    notify.feed("agreement.drafted.v1", "saco", sample("agreement.drafted.v1", cohort))
    _sent(notify, mail, 5)
    kinds = [d["message"] for d in notify.deliveries(recipient="leyla.rahimi@example.se")]
    suppressed = notify.deliveries(recipient="leyla.rahimi@example.se", status="suppressed")
    assert [d["message"] for d in suppressed] == ["meeting_reminder"] and len(kinds) == 3
    assert [m["Subject"] for m in mail.to("leyla.rahimi@example.se")][1].startswith("Ert mentorsavtal")  # essential still comes
    assert len(mail.to("aino.korhonen@example.fi")) == 3  # the other of the pair did not opt out
    assert notify.client.get(path.replace("token=", "token=x")).status_code == 400


def test_the_programme_decides_which_messages_are_sent(notify, mail):
    cohort = notify.cohort("saco", messages={"meeting_nudge": False, "survey_due": True})
    notify.feed("meeting.nudge_due.v1", "saco", sample("meeting.nudge_due.v1", cohort))
    notify.feed("survey.due.v1", "saco", sample("survey.due.v1", cohort))
    _sent(notify, mail, 1)
    assert [m["Subject"] for m in mail.received] == ["Halvvägs – hur går ditt mentorskap?"]
    nudges = notify.deliveries(message="meeting_nudge")
    assert {d["status"] for d in nudges} == {"suppressed"} and "programme" in nudges[0]["last_error"]


def test_a_cohort_event_invitation_and_reminder_with_the_venue_reach_every_participant(notify, mail):
    cohort = notify.cohort("saco")
    event = sample("event.scheduled.v1", cohort)
    notify.feed("event.scheduled.v1", "saco", event)
    notify.feed("event.reminder_due.v1", "saco", {**event, "days_before": 1})
    _sent(notify, mail, 4)
    to_mentor = mail.to("aino.korhonen@example.fi")
    assert [m["Subject"] for m in to_mentor] == ["Kutsu: Puolipäiväinen tapaaminen 1, 31. tammikuuta 2027",
                                                 "Huomenna: Puolipäiväinen tapaaminen 1, 31. tammikuuta 2027"]
    invitation, = to_mentor[0].iter_attachments()
    calendar = icalendar.Calendar.from_ical(invitation.get_content())
    event_entry = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "REQUEST" and str(event_entry["LOCATION"]) == "Konferenscenter Tegel, Sveavägen 44, Stockholm"
    assert event_entry.decoded("DTSTART") == event["starts_at"]
    assert not list(to_mentor[1].iter_attachments())  # a reminder is no new invitation
    assert "Konferenscenter Tegel, Sveavägen 44, Stockholm" in text_of(to_mentor[1])
    assert "klo 8.30–12.00" in text_of(to_mentor[1]) and "pakollista" in text_of(to_mentor[1])


def test_one_tenants_backlog_does_not_keep_another_tenants_messages_waiting(notify, mail):
    busy, quiet = notify.cohort("busy"), notify.cohort("quiet")
    for n in range(120):
        notify.feed("application.accepted.v1", "busy", sample("application.accepted.v1", busy, application_id=f"b-{n}",
                                                              email=f"adept{n}@busy.example.se"))
    for n in range(3):
        notify.feed("application.accepted.v1", "quiet", sample("application.accepted.v1", quiet, application_id=f"q-{n}",
                                                               email=f"adept{n}@quiet.example.fi"))
    notify.dispatcher.send_email()  # one batch of 50
    first_batch = {m["To"].addresses[0].domain for m in mail.received}
    assert len(mail.received) == 50 and "quiet.example.fi" in first_batch
    assert sum(1 for m in mail.received if m["To"].addresses[0].domain == "quiet.example.fi") == 3


def test_a_dead_dispatchers_claims_are_taken_over_at_once_not_after_its_lease(notify, mail):
    cohort = notify.cohort("saco")
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort))
    d = store.deliveries
    with notify.engine.begin() as conn:  # a worker of an earlier run claimed it, then died
        conn.execute(d.update().values(claimed_by="dead-worker", claimed_until=datetime(2099, 1, 1, tzinfo=UTC)))
    assert notify.dispatch() == 1 and len(mail.received) == 1


def test_a_live_dispatchers_claims_are_left_to_it_until_its_lease_runs_out(notify, mail):
    cohort = notify.cohort("saco")
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort))
    other = Dispatcher(notify.settings, notify.engine, worker_id="other-worker")
    try:
        with notify.engine.begin() as conn:  # it claimed the delivery and is still at it
            claim(conn, "email", clock.now(), 10, "other-worker", timedelta(minutes=5))
        assert notify.dispatch() == 0
        d = store.deliveries
        with notify.engine.begin() as conn:  # ... but no longer gets on
            conn.execute(d.update().values(claimed_until=datetime(2000, 1, 1, tzinfo=UTC)))
        assert notify.dispatch() == 1 and len(mail.received) == 1
    finally:
        other.close()


def test_a_proposed_meeting_goes_to_the_one_who_is_to_accept_it(notify, mail):
    cohort = notify.cohort("saco")
    notify.feed("meeting.proposed.v1", "saco", sample("meeting.proposed.v1", cohort, proposed_by="mentee"))
    _sent(notify, mail, 1)
    message, = mail.received
    assert message["To"] == "aino.korhonen@example.fi" and message["Subject"].startswith("Ehdotus: mentorointitapaaminen 2")
    assert "Ehdottaja: Leyla Rahimi (aktori)" in text_of(message)
    assert not list(message.iter_attachments())  # the invitation comes once the time is accepted


def test_a_dispatcher_whose_lease_ran_out_records_nothing_for_what_another_took(notify, mail):
    cohort = notify.cohort("saco")
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort))
    with notify.engine.begin() as conn:
        mine, = claim(conn, "email", clock.now(), 10, "slow-worker", timedelta(seconds=-1))  # a lease already gone
    with notify.engine.begin() as conn:
        theirs, = claim(conn, "email", clock.now(), 10, "other-worker", timedelta(minutes=5))
    assert theirs["id"] == mine["id"]
    with notify.engine.begin() as conn:
        assert settle(conn, [Outcome(mine, "sent")], clock.now(), notify.dispatcher.policy, "slow-worker") == []
    assert notify.outbox("notification.") == [] and notify.deliveries()[0]["claimed_by"] == "other-worker"
