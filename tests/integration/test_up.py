"""The walking skeleton with every service as its own processes (gunicorn API + worker), on the
real RabbitMQ and PostgreSQL, with notify sending over SMTP to a server on loopback."""

from __future__ import annotations

import pytest

from services.shared.tenancy import issue_token
from tests.integration.up import smtp_server, tandem_up
from tests.skeleton import eventually, over_urllib, recorded_everywhere, walk

pytestmark = pytest.mark.services


@pytest.fixture
def smtp():
    with smtp_server() as server:
        yield server


@pytest.fixture
def platform(amqp_url, postgres, smtp, tmp_path):
    with tandem_up(amqp_url, postgres, smtp, tmp_path) as up:
        yield {"urls": up.urls, "key": up.key, "inbox": up.inbox, "proc": up.proc}


def test_the_walking_skeleton_over_rabbitmq_and_postgresql(platform):
    urls = platform["urls"]

    def send(method, path, body=None, token=None):
        service = path.split("/")[1]
        return over_urllib(urls[service])(method, path, body, token)

    operator = issue_token(platform["key"], tenant="*", role="operator", sub="ops")
    walked = walk(send, operator)
    recorded_everywhere(send, walked, timeout=60)
    envelope = eventually(lambda: [m for m in platform["inbox"].messages if "amira.haddad@example.se" in m.rcpt_tos],
                          timeout=30, what="the acknowledgement over SMTP")[0]
    assert "Vi har tagit emot din ans" in envelope.content.decode()

    # each API exposes its metrics, aggregated over its gunicorn workers and its worker process
    metrics = over_urllib(urls["notify"])
    import urllib.request
    text = urllib.request.urlopen(urls["notify"] + "/metrics", timeout=10).read().decode()
    assert 'tandem_events_consumed_total{service="notify",tenant="saco",type="application.submitted.v1"} 1.0' in text
    assert metrics("GET", "/healthz")[0] == 200
