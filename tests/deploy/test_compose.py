"""deploy/compose.yaml: every service it runs is complete, and everything it mounts exists.

No Docker engine is needed: the file is read as YAML (with its anchors and merge keys, as Compose
reads them) and checked against the repository.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from services.shared.config import DEFAULT_PORTS, SERVICES

from .conftest import DEPLOY, ROOT

COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
SERVICES_IN_COMPOSE = COMPOSE["services"]
ROLES = {f"{s}-{role}": (s, role) for s in SERVICES for role in ("api", "worker")}
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(?::?[-?+][^}]*)?\}")


def interpolations(node) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(interpolations(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(interpolations(v) for v in node)) if node else set()
    return set(INTERPOLATION.findall(node)) if isinstance(node, str) else set()


def bind_mounts(service: dict) -> list[tuple[str, str]]:
    mounts = []
    for volume in service.get("volumes", []):
        source, target = (volume.split(":")[:2] if isinstance(volume, str) else (volume["source"], volume["target"]))
        mounts.append((source, target))
    return mounts


def test_every_service_has_an_image():
    for name, service in SERVICES_IN_COMPOSE.items():
        assert service.get("image") or service.get("build"), f"{name} has neither image nor build"
        image = service.get("image", "")
        if image and "build" not in service:
            assert re.search(r":[^:/]*\d", image), f"{name}: pin the image's tag ({image})"


def test_the_four_services_run_as_api_and_worker_after_the_migration():
    assert set(ROLES) <= set(SERVICES_IN_COMPOSE)
    migrate = SERVICES_IN_COMPOSE["migrate"]
    assert migrate["command"] == ["migrate"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name, (service, role) in ROLES.items():
        spec = SERVICES_IN_COMPOSE[name]
        assert spec["command"] == [role, service]
        assert spec["build"]["dockerfile"] == "deploy/docker/Dockerfile"
        assert (DEPLOY / spec["build"]["context"] / spec["build"]["dockerfile"]).is_file()
        assert spec["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        env = spec["environment"]
        assert {"AMQP_URL", "DATABASE_URL", "TANDEM_SIGNING_KEY", "SMTP_HOST"} <= set(env)
        assert "{service}" in env["DATABASE_URL"]
        assert env["SMTP_HOST"] == "mailpit"
        assert spec["read_only"] is True and "/tmp" in spec["tmpfs"]
        if role == "api":
            assert env["PROMETHEUS_MULTIPROC_DIR"] in spec["tmpfs"], "the multiprocess directory is a tmpfs"
            assert spec["ports"] == [f"127.0.0.1:{DEFAULT_PORTS[service]}:{DEFAULT_PORTS[service]}"]
        else:
            assert env["METRICS_PORT"]
            assert "PROMETHEUS_MULTIPROC_DIR" not in env


def test_dependencies_exist():
    for name, service in SERVICES_IN_COMPOSE.items():
        for dependency in service.get("depends_on", []):
            assert dependency in SERVICES_IN_COMPOSE, f"{name} depends on unknown {dependency}"


def test_every_mounted_file_exists_and_every_volume_and_config_is_declared():
    declared_volumes = set(COMPOSE.get("volumes") or {})
    declared_configs = set(COMPOSE.get("configs") or {})
    for name, service in SERVICES_IN_COMPOSE.items():
        for source, _target in bind_mounts(service):
            if source.startswith((".", "/")):
                path = (DEPLOY / source).resolve()
                assert path.exists(), f"{name} mounts {source}, which is not in the repository"
                assert ROOT in path.parents, f"{name} mounts {source} from outside the repository"
            else:
                assert source in declared_volumes, f"{name} uses the undeclared volume {source}"
        for config in service.get("configs", []):
            assert (config if isinstance(config, str) else config["source"]) in declared_configs
        for env_file in service.get("env_file", []) if isinstance(service.get("env_file"), list) else [service.get("env_file")] if service.get("env_file") else []:
            assert (DEPLOY / env_file).exists(), f"{name} reads {env_file}, which does not exist"


def test_published_ports_are_unique_and_local():
    seen = {}
    for name, service in SERVICES_IN_COMPOSE.items():
        for port in service.get("ports", []):
            host, published, _container = port.split(":")
            assert host == "127.0.0.1", f"{name} publishes {port} beyond this machine"
            assert published not in seen, f"{name} and {seen.get(published)} both publish {published}"
            seen[published] = name


def test_secrets_come_from_the_uncommitted_env_file():
    used = interpolations(COMPOSE)
    example = (DEPLOY / "env.example").read_text()
    listed = dict(line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#"))
    assert used == set(listed), "every ${VARIABLE} of compose.yaml is documented in deploy/env.example"
    assert all(value == "" for value in listed.values()), "deploy/env.example carries no values"
    assert ".env" in (DEPLOY / ".gitignore").read_text().split()
    for name, service in SERVICES_IN_COMPOSE.items():
        env = service.get("environment") or {}
        for key, value in (env.items() if isinstance(env, dict) else []):
            if re.search(r"PASSWORD|SECRET|SIGNING_KEY", key):
                assert INTERPOLATION.fullmatch(str(value)), f"{name}: {key} must come from deploy/.env"
            if key in ("AMQP_URL", "DATABASE_URL"):
                assert INTERPOLATION.search(value), f"{name}: the password in {key} must come from deploy/.env"


def test_rabbitmq_loads_its_topology_and_user_and_exports_metrics():
    rabbitmq = SERVICES_IN_COMPOSE["rabbitmq"]
    assert "management" in rabbitmq["image"]
    targets = dict((t, s) for s, t in bind_mounts(rabbitmq))
    plugins = (DEPLOY / "rabbitmq" / "enabled_plugins").read_text()
    assert "rabbitmq_prometheus" in plugins and targets["/etc/rabbitmq/enabled_plugins"] == "./rabbitmq/enabled_plugins"
    users = COMPOSE["configs"]["rabbitmq-users"]["content"]
    assert "${RABBITMQ_PASSWORD" in users
    (config,) = rabbitmq["configs"]
    assert Path(config["target"]).parent == Path("/etc/rabbitmq/definitions.d")
    assert "amqp://tandem:" in SERVICES_IN_COMPOSE["intake-api"]["environment"]["AMQP_URL"]


def test_postgres_creates_a_database_per_service():
    postgres = SERVICES_IN_COMPOSE["postgres"]
    (script,) = [s for s, t in bind_mounts(postgres) if t.startswith("/docker-entrypoint-initdb.d/")]
    text = (DEPLOY / script).read_text()
    assert "CREATE DATABASE tandem_${service}" in text
    loop = re.search(r"for service in ([a-z ]+); do", text)
    assert loop and loop.group(1).split() == list(SERVICES)


def test_prometheus_scrapes_every_api_and_worker_and_loads_the_rules():
    prometheus = SERVICES_IN_COMPOSE["prometheus"]
    mounts = dict(bind_mounts(prometheus))
    by_target = {target: source for source, target in mounts.items()}
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    config = yaml.safe_load((DEPLOY / by_target["/etc/prometheus/prometheus.yml"]).read_text())
    targets = {t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]}
    for name, (service, role) in ROLES.items():
        port = DEFAULT_PORTS[service] if role == "api" else SERVICES_IN_COMPOSE[name]["environment"]["METRICS_PORT"]
        assert f"{name}:{port}" in targets
    assert "rabbitmq:15692" in targets
    (rule_glob,) = config["rule_files"]
    assert Path(rule_glob).parent == Path(mounts["./prometheus/rules"])
    assert list((DEPLOY / "prometheus" / "rules").glob(Path(rule_glob).name))


def test_grafana_gets_the_datasource_and_the_dashboard():
    grafana = SERVICES_IN_COMPOSE["grafana"]
    mounts = dict(bind_mounts(grafana))
    provider = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/tandem.yaml").read_text())
    assert provider["providers"][0]["options"]["path"] == mounts["./grafana/dashboards"]
    datasource = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/prometheus.yaml").read_text())
    (source,) = datasource["datasources"]
    assert source["url"] == "http://prometheus:9090"
    dashboard = (DEPLOY / "grafana/dashboards/tandem.json").read_text()
    # the panels read the dashboard's data-source variable, which starts at the provisioned source
    assert '"uid": "${datasource}"' in dashboard
    variable = next(v for v in json.loads(dashboard)["templating"]["list"] if v["name"] == "datasource")
    assert variable["current"]["value"] == source["uid"]
    assert mounts["./grafana/provisioning"] == "/etc/grafana/provisioning"


def test_every_api_counts_public_requests_in_the_shipped_redis():
    redis = SERVICES_IN_COMPOSE["redis"]
    assert re.fullmatch(r"redis:\d+\.\d+\.\d+.*", redis["image"]), "pin Redis's version"
    assert "redis-cli" in redis["healthcheck"]["test"]
    assert "ports" not in redis, "only the APIs reach it, on the compose network"
    for service in SERVICES:
        env = SERVICES_IN_COMPOSE[f"{service}-api"]["environment"]
        assert env["RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"
        # the APIs are reached straight on their published ports: no proxy may name the client
        assert env.get("TANDEM_TRUSTED_PROXIES", "0") == "0"


def test_mail_goes_to_the_catcher():
    assert "mailpit" in SERVICES_IN_COMPOSE["mailpit"]["image"]
    assert SERVICES_IN_COMPOSE["notify-worker"]["environment"]["SMTP_HOST"] == "mailpit"
    assert SERVICES_IN_COMPOSE["notify-worker"]["environment"]["SMTP_PORT"] == "1025"
    assert SERVICES_IN_COMPOSE["mailpit"]["ports"] == ["127.0.0.1:8025:8025"]


def test_the_web_front_serves_applicants_over_the_four_apis():
    web = SERVICES_IN_COMPOSE["web"]
    assert web["command"] == ["web"]
    assert web["build"]["dockerfile"] == "deploy/docker/Dockerfile"
    assert web["read_only"] is True and "/tmp" in web["tmpfs"]
    env = web["environment"]
    for service in SERVICES:
        assert env[f"TANDEM_{service.upper()}_URL"] == f"http://{service}-api:{DEFAULT_PORTS[service]}"
        assert web["depends_on"][f"{service}-api"]["condition"] == "service_healthy"
    assert env["PROMETHEUS_MULTIPROC_DIR"] in web["tmpfs"]
    assert web["ports"] == ["127.0.0.1:8000:8000"]
    # the web front holds no programme data and cannot sign tokens: no database, broker or signing key
    assert not {"DATABASE_URL", "AMQP_URL", "TANDEM_SIGNING_KEY"} & set(env)
    assert INTERPOLATION.fullmatch(env["TANDEM_WEB_SECRET"])
    # it vouches for each applicant's address with the key the APIs check it with
    assert INTERPOLATION.fullmatch(env["TANDEM_CLIENT_KEY"])
    for service in SERVICES:
        assert SERVICES_IN_COMPOSE[f"{service}-api"]["environment"]["TANDEM_CLIENT_KEY"] == env["TANDEM_CLIENT_KEY"]
    # the links in e-mail open it
    assert SERVICES_IN_COMPOSE["intake-api"]["environment"]["TANDEM_WEB_URL"] == "http://127.0.0.1:8000"
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert "web:8000" in {t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]}
