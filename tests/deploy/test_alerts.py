"""Alerts an on-call engineer can trust: each names a runbook section of docs/operations.md that
exists, each rule has a promtool test, the timers and the SLO routes they watch are the ones the
code has."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import pytest
import yaml

from services.shared import metrics

from .conftest import DEPLOY, ROOT

RULES = DEPLOY / "prometheus" / "rules" / "tandem.yml"
TESTS = sorted((DEPLOY / "prometheus" / "tests").glob("*.yml"))
OPERATIONS = ROOT / "docs" / "operations.md"
SEVERITIES = {"warning", "critical"}


def rules() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


ALERTS = [rule for rule in rules() if "alert" in rule]
RECORDS = [rule for rule in rules() if "record" in rule]


def anchor(heading: str) -> str:
    """A heading's anchor as GitHub and GitLab make it: lower case, punctuation dropped, spaces
    to hyphens."""
    text = unicodedata.normalize("NFC", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    found, seen = set(), {}
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        heading = re.match(r"#{1,6} (.+)$", line)
        if heading and not in_code:
            name = anchor(heading.group(1))
            count = seen.get(name, 0)
            seen[name] = count + 1
            found.add(name if count == 0 else f"{name}-{count}")
    return found


def test_the_anchor_is_the_one_github_makes():
    assert anchor("TandemDeadLetters") == "tandemdeadletters"
    assert anchor("Upgrading, with migrations") == "upgrading-with-migrations"
    assert anchor("The HTTP edge: rate limits, proxies and body sizes") == "the-http-edge-rate-limits-proxies-and-body-sizes"
    assert anchors("# A\n## A\n```\n# not a heading\n```\n") == {"a", "a-1"}


@pytest.mark.parametrize("rule", ALERTS, ids=lambda r: r["alert"])
def test_each_alert_links_its_runbook_section(rule):
    url = rule.get("annotations", {}).get("runbook_url")
    assert url, f"{rule['alert']} has no runbook_url"
    parts = urlsplit(url)
    assert parts.path.endswith("docs/operations.md"), url
    assert parts.fragment in anchors(OPERATIONS.read_text()), f"docs/operations.md has no heading #{parts.fragment}"
    assert parts.fragment == rule["alert"].lower(), "each alert has its own section, named after it"


@pytest.mark.parametrize("rule", ALERTS, ids=lambda r: r["alert"])
def test_each_alert_says_how_urgent_and_what(rule):
    assert rule["labels"]["severity"] in SEVERITIES
    assert rule["annotations"].get("summary") and rule["annotations"].get("description")
    assert rule["alert"].startswith("Tandem")


def test_the_alerts_table_lists_every_alert():
    text = OPERATIONS.read_text()
    listed = set(re.findall(r"^\| (Tandem\w+) \|", text, re.M))
    assert listed == {rule["alert"] for rule in ALERTS}


def test_every_alert_fires_in_a_promtool_test():
    fired = set()
    for path in TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            fired |= {check["alertname"] for check in case.get("alert_rule_test", []) if check.get("exp_alerts")}
    missing = {rule["alert"] for rule in ALERTS} - fired
    assert not missing, f"alerts no test fires: {sorted(missing)}"


def test_every_recording_rule_is_checked_in_a_promtool_test():
    checked = set()
    for path in TESTS:
        assert "../rules/tandem.yml" in yaml.safe_load(path.read_text())["rule_files"], path
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("promql_expr_test", []):
                if check.get("exp_samples"):
                    checked |= {rule["record"] for rule in RECORDS if rule["record"] in check["expr"]}
    missing = {rule["record"] for rule in RECORDS} - checked
    assert not missing, f"recording rules no test checks: {sorted(missing)}"


def test_the_timer_alerts_watch_every_timer_of_the_workers():
    """TandemTimerAbsent names each service's timers (from the workers' Timer(...) lines)."""
    timers = set()
    for worker in sorted(ROOT.glob("services/*/worker.py")):
        service = worker.parent.name
        if service == "shared":
            continue
        timers |= {(service, name) for name in re.findall(r'\bTimer\(\s*"([\w-]+)"', worker.read_text())}
    assert timers, "no worker declares a timer"
    (rule,) = [r for r in ALERTS if r["alert"] == "TandemTimerAbsent"]
    named = set(re.findall(r'service="(\w+)", timer="([\w-]+)"', rule["expr"]))
    assert named == timers, "update TandemTimerAbsent (deploy/prometheus/rules/tandem.yml) to the workers' timers"


def test_the_slo_routes_are_the_application_routes(tmp_path, monkeypatch):
    """The SLO's route matcher names intake's public application route and the web front's form."""
    from services import embedded

    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AMQP_URL", "memory://")
    monkeypatch.setenv("TANDEM_SIGNING_KEY", "alerts-test")
    for name in ("DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", *(f"{s.upper()}_DATABASE_URL" for s in ("intake", "matching", "scheduling", "notify"))):
        monkeypatch.delenv(name, raising=False)
    platform = embedded.build()
    from services.web.app import create_app

    posted = {
        "intake": {r.rule for r in platform.apps["intake"].url_map.iter_rules() if "POST" in r.methods},
        "web": {r.rule for r in create_app().url_map.iter_rules() if "POST" in r.methods},
    }
    for record in RECORDS:
        (routes,) = set(re.findall(r'route=~"([^"]+)"', record["expr"]))
        assert 'service=~"intake|web"' in record["expr"] and 'method="POST"' in record["expr"]
        wanted = set(routes.split("|"))
        assert "/public/cohorts/<cohort_id>/applications" in wanted & posted["intake"]
        assert "/cohorts/<cohort_id>/apply/<role>" in wanted & posted["web"]


def test_the_latency_objective_has_its_bucket():
    """p99 < 1 s is read from the 1.0 bucket of the request histogram."""
    assert 1.0 in metrics.HTTP_DURATION._upper_bounds
    assert any('le="1.0"' in r["expr"] for r in RECORDS)
    # the match-run budget (60 s) is a bucket too
    assert 60 in metrics.MATCH_RUN_DURATION._upper_bounds
    assert any('le="60.0"' in r["expr"] for r in ALERTS)
