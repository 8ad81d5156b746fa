"""The walking skeleton with every service as its own processes (gunicorn API + worker) and the
web front under gunicorn, on the real RabbitMQ and PostgreSQL, with notify sending over SMTP to a
server on loopback: one application's journey to a confirmed pair, its meeting plan and e-mails."""

from __future__ import annotations

import urllib.request

import pytest

from services.shared.tenancy import issue_token
from tests.integration.up import smtp_server, tandem_up
from tests.skeleton import over_urllib, walk

pytestmark = pytest.mark.services


@pytest.fixture
def smtp():
    with smtp_server() as server:
        yield server


@pytest.fixture
def platform(amqp_url, postgres, smtp, tmp_path):
    with tandem_up(amqp_url, postgres, smtp, tmp_path) as up:
        yield {"urls": up.urls, "web": up.web, "key": up.key, "inbox": up.inbox, "proc": up.proc}


def test_one_application_walks_to_a_confirmed_pair_over_rabbitmq_postgresql_and_smtp(platform):
    urls = platform["urls"]

    def send(method, path, body=None, token=None):
        service = path.split("/")[1]
        return over_urllib(urls[service])(method, path, body, token)

    operator = issue_token(platform["key"], tenant="*", role="operator", sub="ops")
    walked = walk(send, operator, platform["inbox"].to, timeout=60)

    # each personal link opens the pair's agreement on the web front, in its reader's language
    for role, language, partner in (("mentee", "sv", "Daniel Berg"), ("mentor", "en", "Amira Haddad")):
        link = walked["links"][role]
        assert link.startswith(f"{platform['web']}/pairs/{walked['pair']['id']}/agreement?token=")
        with urllib.request.urlopen(link, timeout=10) as page:
            html = page.read().decode()
        assert f'<html lang="{language}"' in html and partner in html

    # each API exposes its metrics, aggregated over its gunicorn workers and its worker process
    text = urllib.request.urlopen(urls["notify"] + "/metrics", timeout=10).read().decode()
    assert 'tandem_events_consumed_total{service="notify",tenant="saco",type="match.confirmed.v1"} 1.0' in text
    assert over_urllib(urls["notify"])("GET", "/healthz")[0] == 200
