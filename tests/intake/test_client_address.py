"""Applicants who come through the web front each have their own rate-limit count.

Every page the web front serves calls intake from the web front's own address; the count follows
the applicant's address, which the web front vouches for, and nobody else can claim one."""

from werkzeug.test import Client

from services.shared.clients import HEADER, client_key, vouch
from tests.intake.conftest import KEY, Intake


def _ask(client: Client, vouched_for: str | None = None, header: str | None = None) -> int:
    headers = {HEADER: header or vouch(client_key(KEY), vouched_for)} if (vouched_for or header) else {}
    answer = client.post("/intake/public/links", json={"email": "amira@example.se"}, headers=headers,
                         environ_base={"REMOTE_ADDR": "10.9.0.2"})  # the web front's own address
    return answer.status_code


def test_two_applicants_behind_the_web_front_are_counted_apart(tmp_path):
    intake = Intake(f"sqlite:///{tmp_path}/intake.db", tmp_path, rate_limit="2 per minute")
    client = Client(intake.app)
    assert [_ask(client, "203.0.113.7") for _ in range(3)] == [202, 202, 429]
    assert _ask(client, "198.51.100.20") == 202  # the next applicant still has her own count


def test_a_client_cannot_claim_another_address_without_the_web_fronts_key(tmp_path):
    intake = Intake(f"sqlite:///{tmp_path}/intake.db", tmp_path, rate_limit="2 per minute")
    client = Client(intake.app)
    forged = f"192.0.2.{{}} {'0' * 64}"
    # each forged header names a fresh address, yet all count against the peer that sent them
    assert [_ask(client, header=forged.format(n)) for n in range(3)] == [202, 202, 429]
