"""Alert rules and the dashboard: promtool passes, and every metric they name is one the services
export, with the labels they use — checked against a real /metrics scrape of the platform."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase
from werkzeug.test import Client

from services.shared import metrics as tandem_metrics

from .conftest import DEPLOY, run

RULES = DEPLOY / "prometheus" / "rules" / "tandem.yml"
RULE_TESTS = sorted((DEPLOY / "prometheus" / "tests").glob("*.yaml")) + sorted((DEPLOY / "prometheus" / "tests").glob("*.yml"))
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "tandem.json"
# Names a query may use that the services do not export.
FOREIGN = {"up"}
POD = {"namespace", "pod"}
# Other exporters' metrics the rules may use, with the labels they may use: the broker's own
# (rabbitmq_prometheus: aggregated, plus per-object queue metrics), kube-state-metrics, and
# CloudNativePG's exporter (its default queries; namespace and pod come from the PodMonitor).
EXTERNAL = {
    "rabbitmq_queue_messages": {"queue", "vhost"},
    "rabbitmq_identity_info": {"rabbitmq_node", "rabbitmq_cluster", "rabbitmq_cluster_permanent_id"},
    "rabbitmq_alarms_memory_used_watermark": set(),
    "rabbitmq_alarms_free_disk_space_watermark": set(),
    "rabbitmq_alarms_file_descriptor_limit": set(),
    "rabbitmq_process_open_fds": set(),
    "rabbitmq_process_max_fds": set(),
    "rabbitmq_channel_messages_unroutable_dropped_total": set(),
    "rabbitmq_channel_messages_unroutable_returned_total": set(),
    "kube_pod_container_status_restarts_total": POD | {"container", "uid"},
    "kube_pod_status_ready": POD | {"condition", "uid"},
    "kube_pod_status_phase": POD | {"phase", "uid"},
    "kube_statefulset_replicas": {"namespace", "statefulset"},
    "kube_statefulset_status_replicas_ready": {"namespace", "statefulset"},
    "cnpg_collector_up": POD | {"cluster"},
    "cnpg_collector_last_available_backup_timestamp": POD,
    "cnpg_pg_replication_lag": POD,
    "cnpg_pg_replication_in_recovery": POD,
    "cnpg_backends_total": POD | {"datname", "usename", "application_name", "state"},
    "cnpg_pg_settings_setting": POD | {"name"},
    "cnpg_pg_database_size_bytes": POD | {"datname"},
    "cnpg_pg_stat_archiver_seconds_since_last_archival": POD,
    "cnpg_pg_stat_archiver_last_archived_time": POD,
    "cnpg_pg_stat_archiver_last_failed_time": POD,
}
NAME = r"(?:tandem|rabbitmq|kube|cnpg)_[a-z0-9_:]+"  # recording rules' names have colons
METRIC = re.compile(rf"\b({NAME})\b")
SELECTOR = re.compile(rf"\b({NAME})\s*\{{([^}}]*)\}}")
MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")
GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
# what names labels, not metrics: strings, a selector's matchers, by/on/group_left lists
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
SELECTOR_BODY = re.compile(r"\{[^}]*\}")
LABEL_LISTS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
# label_replace(v, "dst", "$1", "src", "regex") makes a label a query may group by
LABEL_REPLACE = re.compile(r'"([a-zA-Z_][a-zA-Z0-9_]*)",\s*"\$\d+"')


def recorded() -> dict[str, set[str]]:
    """The recording rules' names -> the labels their series keep (their expression's by-clauses)."""
    result = {}
    for group in yaml.safe_load(RULES.read_text())["groups"]:
        for rule in group["rules"]:
            if "record" in rule:
                result[rule["record"]] = {x.strip() for g in GROUPING.findall(rule["expr"]) for x in g.split(",") if x.strip()}
    return result


def test_promtool_checks_the_rules(promtool):
    answer = run(promtool, "check", "rules", str(RULES))
    assert answer.returncode == 0, answer.stdout + answer.stderr


def test_promtool_unit_tests_pass(promtool):
    assert RULE_TESTS
    answer = run(promtool, "test", "rules", *map(str, RULE_TESTS))
    assert answer.returncode == 0, answer.stdout + answer.stderr


def test_promtool_checks_the_compose_prometheus_config(promtool):
    answer = run(promtool, "check", "config", "--syntax-only", str(DEPLOY / "prometheus" / "prometheus.yml"))
    assert answer.returncode == 0, answer.stdout + answer.stderr


def test_every_alert_has_a_unit_test():
    alerts = {r["alert"] for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"] if "alert" in r}
    tested = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                if check.get("exp_alerts"):
                    tested.add(check["alertname"])
    assert alerts == tested, f"alerts without a test that fires them: {sorted(alerts - tested)}"


# --- the metrics the services export -----------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Metric family -> type, from the # TYPE lines of the embedded platform's /metrics (a labelled
    metric that has never been observed still has them)."""
    from services import embedded

    patch = pytest.MonkeyPatch()
    patch.setenv("TANDEM_DATA_DIR", str(tmp_path_factory.mktemp("metrics")))
    patch.setenv("AMQP_URL", "memory://")
    patch.setenv("TANDEM_SIGNING_KEY", "metrics-test")
    for name in ("DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", *(f"{s.upper()}_DATABASE_URL" for s in ("intake", "matching", "scheduling", "notify"))):
        patch.delenv(name, raising=False)
    try:
        platform = embedded.build()
        text = Client(platform.wsgi).get("/metrics").get_data(as_text=True)
        collectors = [c for app in platform.apps.values() for c in app.extensions["tandem.collectors"]]
    finally:
        patch.undo()
    families = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
    assert families, "the scrape has no metrics"
    labels = {}
    for value in vars(tandem_metrics).values():
        if isinstance(value, MetricWrapperBase):
            name = value._name + ("_total" if value._type == "counter" else "")
            labels[name] = set(value._labelnames)
    for collector in collectors:
        labels[collector.name] = set(collector.labels)
    labels[tandem_metrics.BuildInfo.name] = {"version", "revision"}
    labels.update(EXTERNAL)
    labels.update(recorded())
    return families, labels


def family_of(name: str, families: dict[str, str]) -> str | None:
    if name in families or name in EXTERNAL or name in recorded():
        return name
    for suffix in ("_bucket", "_sum", "_count"):
        base = name.removesuffix(suffix)
        if name.endswith(suffix) and families.get(base) in ("histogram", "summary"):
            return base
    return None


def queries() -> dict[str, list[str]]:
    """Where each PromQL expression comes from: alert rules and dashboard panels."""
    found = {}
    for group in yaml.safe_load(RULES.read_text())["groups"]:
        for rule in group["rules"]:
            found[f"rule {rule.get('alert') or rule.get('record')}"] = [rule["expr"]]
    dashboard = json.loads(DASHBOARD.read_text())
    for panel in dashboard["panels"]:
        exprs = [t["expr"] for t in panel.get("targets", []) if t.get("expr")]
        if exprs:
            found[f"panel {panel['title']!r}"] = exprs
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            found[f"variable {variable['name']}"] = [variable["definition"]]
    return found


def check(expressions: dict[str, list[str]], families: dict[str, str], labels: dict[str, set[str]]) -> list[str]:
    problems = []
    for where, exprs in expressions.items():
        for expr in exprs:
            names = set(METRIC.findall(LABEL_LISTS.sub("", SELECTOR_BODY.sub("", STRING.sub('""', expr)))))
            if not names and not any(re.search(rf"\b{f}\b", expr) for f in FOREIGN):
                problems.append(f"{where}: names no metric: {expr}")
            known_labels = {"le", "job", "instance", *LABEL_REPLACE.findall(expr)}
            for name in names:
                family = family_of(name, families)
                if family is None:
                    problems.append(f"{where}: {name} is not exported by the services")
                    continue
                known_labels |= labels.get(family, set()) | labels.get(name, set())
            for name, matchers in SELECTOR.findall(expr):
                family = family_of(name, families)
                allowed = labels.get(family, set()) | labels.get(name, set()) | ({"le"} if name.endswith("_bucket") else set())
                for label in MATCHER.findall(matchers):
                    if label not in allowed:
                        problems.append(f"{where}: {name} has no label {label!r}")
            for grouping in GROUPING.findall(expr):
                for label in filter(None, (x.strip() for x in grouping.split(","))):
                    if label not in known_labels:
                        problems.append(f"{where}: groups by {label!r}, which none of its metrics has")
    return problems


def test_the_rules_and_the_dashboard_name_only_exported_metrics(exported):
    families, labels = exported
    problems = check(queries(), families, labels)
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_wrong_name_or_label(exported):
    families, labels = exported
    assert check({"x": ["rate(tandem_http_request_total[5m])"]}, families, labels)
    assert check({"x": ['tandem_queue_messages{queue_name="a"}']}, families, labels)
    assert check({"x": ["sum by (tenant) (tandem_consumer_up)"]}, families, labels)
    assert not check({"x": ['sum by (service, le) (rate(tandem_http_request_duration_seconds_bucket{route="/x"}[5m]))']}, families, labels)
    assert check({"x": ['kube_pod_status_ready{state="true"} == 0']}, families, labels)
    assert check({"x": ["tandem_slo:application_errors:ratio_rate2m > 0.01"]}, families, labels)
    assert not check({"x": ["tandem_slo:application_errors:ratio_rate5m > 0.01"]}, families, labels)
    assert not check({"x": ["max by (instance, rabbitmq_node) (rabbitmq_process_open_fds"
                            " * on (instance) group_left (rabbitmq_node) rabbitmq_identity_info)"]}, families, labels)


def test_the_dashboard_covers_what_operators_watch():
    dashboard = json.loads(DASHBOARD.read_text())
    text = json.dumps(dashboard)
    for metric in (
        "tandem_http_requests_total", "tandem_http_request_duration_seconds_bucket",
        "tandem_events_published_total", "tandem_events_consumed_total", "tandem_events_failed_total",
        "tandem_events_dead_lettered_total", "tandem_inbox_duplicates_total", "tandem_outbox_backlog",
        "tandem_queue_messages", "tandem_match_runs_total", "tandem_match_run_duration_seconds_bucket",
        "tandem_notifications_sent_total", "tandem_notifications_failed_total",
        # the signals of the alerts an on-call engineer gets
        "tandem_timer_last_run_timestamp_seconds", "tandem_build_info", "tandem_slo:application_errors:ratio_rate1h",
        "tandem_slo:application_slow:ratio_rate1h", "rabbitmq_queue_messages", "up{", "kube_pod_container_status_restarts_total",
        "kube_pod_status_ready", "rabbitmq_alarms_memory_used_watermark", "rabbitmq_alarms_free_disk_space_watermark",
        "rabbitmq_identity_info", "rabbitmq_process_open_fds", "rabbitmq_channel_messages_unroutable_dropped_total",
        "cnpg_collector_up", "cnpg_pg_replication_lag", "cnpg_backends_total", "cnpg_pg_database_size_bytes",
        "cnpg_pg_stat_archiver_seconds_since_last_archival", "cnpg_collector_last_available_backup_timestamp",
    ):
        assert metric in text, f"the dashboard does not show {metric}"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    # one data source chosen by a variable (any Prometheus, not only the compose one), and a tenant filter
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    assert "tenant" in variables and "$tenant" in text
    for variable in variables.values():
        if variable["type"] == "query":
            assert variable["datasource"]["uid"] == "${datasource}"
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == "${datasource}"
            assert all(t["datasource"]["uid"] == "${datasource}" for t in panel["targets"])
    # panels do not overlap
    cells = set()
    for panel in dashboard["panels"]:
        g = panel["gridPos"]
        area = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
        assert not cells & area, f"{panel['title']!r} overlaps another panel"
        cells |= area
