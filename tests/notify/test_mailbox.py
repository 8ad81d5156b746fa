"""The embedded default: with no SMTP server configured every message goes to an mbox in the data
directory — the text readable with ``cat``, the HTML version and any invitation beside it."""

from __future__ import annotations

import mailbox

from tests.notify.conftest import sample
from tests.skeleton import expect


def test_without_smtp_messages_go_to_the_mailbox_and_are_listed_in_the_log(notify_mbox, tmp_path):
    notify = notify_mbox
    cohort = notify.cohort("saco")
    notify.feed("application.submitted.v1", "saco", sample("application.submitted.v1", cohort, email="amira.haddad@example.se"))
    notify.feed("meeting.scheduled.v1", "saco", sample("meeting.scheduled.v1", cohort))
    assert notify.dispatch() == 3
    box = mailbox.mbox(tmp_path / "mail" / "outbox.mbox")
    received = {m["To"]: m for m in box}
    acknowledgement = received["amira.haddad@example.se"]
    assert "Tack för din ansökan" in acknowledgement.get_payload(decode=True).decode()
    html = (tmp_path / "mail" / acknowledgement["X-Tandem-Html"]).read_text()
    assert html.startswith("<!DOCTYPE html>") and "Tack för din ansökan" in html
    invitation = received["aino.korhonen@example.fi"]
    assert "METHOD:REQUEST" in (tmp_path / "mail" / invitation["X-Tandem-Calendar"]).read_text()
    logged = expect(notify.send("GET", "/notify/deliveries?status=sent", None, notify.coordinator("saco")), 200)
    assert {d["recipient"] for d in logged} == {"amira.haddad@example.se", "leyla.rahimi@example.se", "aino.korhonen@example.fi"}
