"""The Kubernetes overlays render, validate offline and hang together.

Built-in kinds are validated against the Kubernetes OpenAPI schemas of kubernetes-validate
(strict: unknown fields fail); the custom resources against the trimmed CRD schemas in
deploy/k8s/crds/.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import jsonschema
import kubernetes_validate
import pytest

from services.ops import k8s_topology
from services.shared.config import DEFAULT_PORTS, SERVICES

from .conftest import DEPLOY, OVERLAYS

KUBERNETES_VERSION = "1.30.0"
CRDS = DEPLOY / "k8s" / "crds"


def crd_schemas() -> dict[tuple[str, str], dict]:
    schemas = {}
    for path in sorted(CRDS.glob("*.json")):
        schema = json.loads(path.read_text())
        gvk = schema["x-kubernetes-group-version-kind"]
        schemas[(gvk["apiVersion"], gvk["kind"])] = schema
    return schemas


SCHEMAS = crd_schemas()


def by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def pod_spec(doc: dict) -> dict:
    return doc["spec"]["template"]["spec"]


def test_the_crd_schemas_are_valid_json_schemas():
    assert {kind for _, kind in SCHEMAS} >= {
        "RabbitmqCluster", "Exchange", "Queue", "Binding", "Policy", "User", "Permission",
        "Cluster", "ServiceMonitor", "PrometheusRule",
    }
    for schema in SCHEMAS.values():
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_validates(rendered, overlay):
    problems = []
    for doc in rendered[overlay]:
        key = (doc["apiVersion"], doc["kind"])
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        if key in SCHEMAS:
            for error in jsonschema.Draft202012Validator(SCHEMAS[key]).iter_errors(doc):
                problems.append(f"{name}: {'.'.join(map(str, error.path))}: {error.message}")
            continue
        group = doc["apiVersion"].rpartition("/")[0]
        assert "." not in group or group.endswith(".k8s.io"), f"{name}: a custom resource without a schema in deploy/k8s/crds/"
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{name}: {'.'.join(map(str, error.path))}: {error.message}")
    assert not problems, "\n".join(problems)


def test_the_crd_schemas_catch_a_mistake():
    queue = next(d for d in k8s_topology() if d["kind"] == "Queue")
    validator = jsonschema.Draft202012Validator(SCHEMAS[("rabbitmq.com/v1beta1", "Queue")])
    assert not list(validator.iter_errors(queue))
    queue["spec"]["durabel"] = True
    assert list(validator.iter_errors(queue))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_has_its_api_and_worker_with_probes_limits_and_no_root(rendered, overlay):
    docs = rendered[overlay]
    deployments = by_kind(docs, "Deployment")
    for service in SERVICES:
        api = deployments[f"tandem-{service}-api"]
        worker = deployments[f"tandem-{service}-worker"]
        for role, doc in (("api", api), ("worker", worker)):
            spec = pod_spec(doc)
            (container,) = spec["containers"]
            assert container["args"] == [role, service]
            assert spec["securityContext"]["runAsNonRoot"] is True
            assert spec["securityContext"]["runAsUser"] != 0
            assert spec["automountServiceAccountToken"] is False
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"]["drop"] == ["ALL"]
            assert {"cpu", "memory"} <= set(container["resources"]["requests"])
            assert "memory" in container["resources"]["limits"]
            volumes = {v["name"]: v for v in spec["volumes"]}
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert "emptyDir" in volumes[mounts["/tmp"]]
            env = {e["name"]: e for e in container["env"]}
            assert env[f"{service.upper()}_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
                "name": f"tandem-{service}-db-app", "key": "uri"}
            assert env["RABBITMQ_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == f"tandem-{service}-user-credentials"
            assert "$(RABBITMQ_PASSWORD)" in env["AMQP_URL"]["value"]
            assert env["TANDEM_SIGNING_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "tandem-signing-key"
            assert "SERVICE" not in json.dumps(doc), "a placeholder was not replaced"
        api_container = pod_spec(api)["containers"][0]
        port = api_container["ports"][0]
        assert port == {"name": "http", "containerPort": DEFAULT_PORTS[service], "protocol": "TCP"}
        assert api_container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert api_container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        multiproc = {e["name"]: e.get("value") for e in api_container["env"]}["PROMETHEUS_MULTIPROC_DIR"]
        mounts = {m["mountPath"]: m["name"] for m in api_container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod_spec(api)["volumes"]}
        assert volumes[mounts[multiproc]]["emptyDir"]["medium"] == "Memory"
        worker_container = pod_spec(worker)["containers"][0]
        metrics_port = {e["name"]: e.get("value") for e in worker_container["env"]}["METRICS_PORT"]
        assert worker_container["ports"][0]["containerPort"] == int(metrics_port)
        assert worker_container["livenessProbe"]["httpGet"] == {"path": "/metrics", "port": "metrics"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_autoscalers_and_disruption_budgets_select_the_pods(rendered, overlay):
    docs = rendered[overlay]
    deployments = by_kind(docs, "Deployment")
    services = by_kind(docs, "Service")
    hpas = by_kind(docs, "HorizontalPodAutoscaler")
    pdbs = by_kind(docs, "PodDisruptionBudget")

    def selects(selector: dict, deployment: dict) -> bool:
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        return all(labels.get(k) == v for k, v in selector.items())

    for service in SERVICES:
        api, worker = deployments[f"tandem-{service}-api"], deployments[f"tandem-{service}-worker"]
        assert [n for n, d in deployments.items() if selects(services[f"tandem-{service}-api"]["spec"]["selector"], d)] == [f"tandem-{service}-api"]
        assert selects(services[f"tandem-{service}-worker-metrics"]["spec"]["selector"], worker)
        hpa = hpas[f"tandem-{service}-api"]
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": api["metadata"]["name"]}
        assert "replicas" not in api["spec"], "the autoscaler owns the API's replicas"
        for doc in (api, worker):
            budgets = [n for n, p in pdbs.items() if selects(p["spec"]["selector"]["matchLabels"], doc)]
            assert budgets == [doc["metadata"]["name"]]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_cover_every_pod(rendered, overlay):
    docs = rendered[overlay]
    policies = by_kind(docs, "NetworkPolicy")
    database_label = "cnpg.io/cluster" if overlay == "prod" else "app.kubernetes.io/name"
    for service in SERVICES:
        for role in ("api", "worker"):
            policy = policies[f"tandem-{service}-{role}"]["spec"]
            assert policy["podSelector"]["matchLabels"] == {
                "app.kubernetes.io/component": role, "app.kubernetes.io/name": service}
            assert policy["policyTypes"] == ["Ingress", "Egress"]
            egress = policy["egress"]
            dns, broker, database = egress[:3]
            assert {p["port"] for p in dns["ports"]} == {53}
            assert broker["ports"] == [{"port": 5672, "protocol": "TCP"}]
            assert broker["to"][0]["podSelector"]["matchExpressions"][0]["values"] == ["tandem-rabbitmq"]
            expression = database["to"][0]["podSelector"]["matchExpressions"][0]
            assert expression["key"] == database_label
            assert expression["values"] == [f"tandem-{service}-db" if overlay == "prod" else "dev-postgres"]
            if role == "api":
                redis = egress[3]
                assert redis["ports"] == [{"port": 6379, "protocol": "TCP"}]
                assert redis["to"][0]["podSelector"]["matchExpressions"][0]["values"] == ["tandem-redis"]
            extra = egress[4:] if role == "api" else egress[3:]
            assert not extra or (service, role) == ("notify", "worker"), "only notify's worker sends e-mail"
            sources = [peer["namespaceSelector"]["matchExpressions"][0]["values"][0] if "namespaceSelector" in peer
                       else {e["key"]: e["values"] for e in peer["podSelector"]["matchExpressions"]}["app.kubernetes.io/component"][0]
                       for rule in policy["ingress"] for peer in rule["from"]]
            assert sources == (["ingress-nginx", "monitoring", "web"] if role == "api" else ["monitoring"])
    migrate = policies["tandem-migrate"]["spec"]
    assert "ingress" not in migrate and "Ingress" in migrate["policyTypes"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_api_counts_public_requests_in_the_shared_redis_per_client_behind_the_ingress(rendered, overlay):
    docs = rendered[overlay]
    deployments, services = by_kind(docs, "Deployment"), by_kind(docs, "Service")
    redis = deployments["tandem-redis"]
    (container,) = pod_spec(redis)["containers"]
    assert re.fullmatch(r"redis:\d+\.\d+\.\d+.*", container["image"]), "pin Redis's version"
    assert pod_spec(redis)["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    service = services["tandem-redis"]["spec"]
    assert service["selector"].items() <= redis["spec"]["template"]["metadata"]["labels"].items()
    assert [p["port"] for p in service["ports"]] == [6379]
    for name in SERVICES:
        env = {e["name"]: e.get("value") for e in pod_spec(deployments[f"tandem-{name}-api"])["containers"][0]["env"]}
        assert env["RATELIMIT_STORAGE_URI"] == "redis://tandem-redis:6379/0"
        assert env["TANDEM_TRUSTED_PROXIES"] == "1", "the ingress controller is the one proxy hop"
    # only the API pods reach Redis, and Redis reaches nothing
    policy = by_kind(docs, "NetworkPolicy")["tandem-redis"]["spec"]
    assert policy["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "tandem-redis"}
    assert "egress" not in policy and "Egress" in policy["policyTypes"]
    (rule,) = policy["ingress"]
    admitted = {e["key"]: e["values"] for e in rule["from"][0]["podSelector"]["matchExpressions"]}
    assert admitted == {"app.kubernetes.io/part-of": ["tandem"], "app.kubernetes.io/component": ["api"]}
    assert rule["ports"] == [{"port": 6379, "protocol": "TCP"}]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_routes_each_prefix_to_its_api(rendered, overlay):
    docs = rendered[overlay]
    # the public routes' rate-limited Ingress (prod) is checked in test_overlays_production.py
    ingress = by_kind(docs, "Ingress")["tandem"]
    services = by_kind(docs, "Service")
    (rule,) = ingress["spec"]["rules"]
    routes = {p["path"]: p for p in rule["http"]["paths"]}
    assert set(routes) == {f"/{s}" for s in SERVICES} | {"/"}
    for path, backend in [(f"/{s}", f"tandem-{s}-api") for s in SERVICES] + [("/", "tandem-web")]:
        assert routes[path]["pathType"] == "Prefix"
        assert routes[path]["backend"]["service"]["name"] == backend
        target = services[backend]
        assert routes[path]["backend"]["service"]["port"]["name"] in {p["name"] for p in target["spec"]["ports"]}
    assert ("tls" in ingress["spec"]) == (overlay == "prod")
    # the links in e-mail lead through this ingress
    (config,) = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("tandem-config")]
    scheme = "https" if overlay == "prod" else "http"
    assert config["data"]["TANDEM_PUBLIC_URL"] == f"{scheme}://{rule['host']}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_monitors_find_the_metrics_ports(rendered, overlay):
    docs = rendered[overlay]
    services = by_kind(docs, "Service")
    monitors = by_kind(docs, "ServiceMonitor")
    for name, role in (("tandem-api", "api"), ("tandem-worker", "worker")):
        monitor = monitors[name]["spec"]
        matched = [s for s in services.values()
                   if all(s["metadata"].get("labels", {}).get(k) == v for k, v in monitor["selector"]["matchLabels"].items())]
        assert len(matched) == len(SERVICES), f"{name} selects {[s['metadata']['name'] for s in matched]}"
        (endpoint,) = monitor["endpoints"]
        assert endpoint["honorLabels"] is True, "the services' own `service` label must win"
        for service in matched:
            assert endpoint["port"] in {p["name"] for p in service["spec"]["ports"]}
            assert service["metadata"]["labels"]["app.kubernetes.io/component"] == role
    (rule,) = by_kind(docs, "PrometheusRule").values()
    assert rule["spec"]["groups"]
    dashboards = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"].get("labels", {}).get("grafana_dashboard") == "1"]
    assert len(dashboards) == 1 and json.loads(dashboards[0]["data"]["tandem.json"])["uid"] == "tandem"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rabbitmq_and_its_topology(rendered, overlay):
    docs = rendered[overlay]
    (cluster,) = by_kind(docs, "RabbitmqCluster").values()
    assert cluster["metadata"]["name"] == "tandem-rabbitmq"
    assert cluster["spec"]["replicas"] == (3 if overlay == "prod" else 1)
    kinds = Counter(d["kind"] for d in docs if d["apiVersion"] == "rabbitmq.com/v1beta1")
    assert kinds["Exchange"] == 3 and kinds["Policy"] >= 1 and kinds["User"] == len(SERVICES)
    exchanges = {d["spec"]["name"]: d["spec"]["type"] for d in by_kind(docs, "Exchange").values()}
    assert exchanges == {"tandem.events": "topic", "tandem.dlx": "direct", "tandem.unroutable": "fanout"}
    for doc in docs:
        if doc["apiVersion"] == "rabbitmq.com/v1beta1" and doc["kind"] != "RabbitmqCluster":
            assert doc["spec"]["rabbitmqClusterReference"] == {"name": "tandem-rabbitmq"}
    users = by_kind(docs, "User")
    for permission in by_kind(docs, "Permission").values():
        assert permission["spec"]["userReference"]["name"] in users
    for policy in by_kind(docs, "Policy").values():
        if policy["spec"]["applyTo"] == "exchanges":  # the events exchange's parking of unroutable events
            assert policy["spec"]["definition"] == {"alternate-exchange": "tandem.unroutable"}
        else:
            assert {"delivery-limit", "dead-letter-exchange"} <= set(policy["spec"]["definition"])
    # the Secrets the Deployments read are the ones the topology operator writes
    credentials = {f"{name}-user-credentials" for name in users}
    for deployment in by_kind(docs, "Deployment").values():
        for env in pod_spec(deployment)["containers"][0].get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef", {})
            if ref.get("key") in ("username", "password"):
                assert ref["name"] in credentials


def test_prod_has_a_cloudnativepg_cluster_per_service_and_dev_a_plain_postgres(rendered):
    prod = by_kind(rendered["prod"], "Cluster")
    assert set(prod) == {f"tandem-{s}-db" for s in SERVICES}
    for service in SERVICES:
        initdb = prod[f"tandem-{service}-db"]["spec"]["bootstrap"]["initdb"]
        assert initdb["database"] == f"tandem_{service}"
    assert not by_kind(rendered["dev"], "Cluster")
    assert "dev-postgres" in by_kind(rendered["dev"], "StatefulSet")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_is_committed_and_every_referenced_one_is_documented(rendered, overlay):
    docs = rendered[overlay]
    assert not [d for d in docs if d["kind"] == "Secret"]
    referenced = set()
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job", "StatefulSet"):
            for container in pod_spec(doc)["containers"]:
                for env in container.get("env", []):
                    if "secretKeyRef" in env.get("valueFrom", {}):
                        referenced.add(env["valueFrom"]["secretKeyRef"]["name"])
                for source in container.get("envFrom", []):
                    if "secretRef" in source:
                        referenced.add(source["secretRef"]["name"])
                    if "configMapRef" in source:
                        assert source["configMapRef"]["name"] in by_kind(docs, "ConfigMap")
    operations = (DEPLOY.parent / "docs" / "operations.md").read_text()
    generated = {f"tandem-{s}-user-credentials" for s in SERVICES}
    for name in referenced - generated:
        documented = name.replace("intake", "<service>").replace("matching", "<service>") \
            .replace("scheduling", "<service>").replace("notify", "<service>")
        assert documented in operations, f"the Secret {name} is not documented in docs/operations.md"


def test_the_migration_job_reaches_every_database(rendered):
    for overlay in OVERLAYS:
        (job,) = by_kind(rendered[overlay], "Job").values()
        (container,) = pod_spec(job)["containers"]
        assert container["args"] == ["migrate"]
        env = {e["name"]: e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e}
        for service in SERVICES:
            assert env[f"{service.upper()}_DATABASE_URL"] == f"tandem-{service}-db-app"
        assert container["securityContext"]["readOnlyRootFilesystem"] is True


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_web_front_runs_over_the_four_apis_and_reaches_nothing_else(rendered, overlay):
    docs = rendered[overlay]
    deployments, services = by_kind(docs, "Deployment"), by_kind(docs, "Service")
    web = deployments["tandem-web"]
    spec = pod_spec(web)
    (container,) = spec["containers"]
    assert container["args"] == ["web"]
    assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert spec["securityContext"]["runAsNonRoot"] is True and spec["automountServiceAccountToken"] is False
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert {"cpu", "memory"} <= set(container["resources"]["requests"]) and "memory" in container["resources"]["limits"]
    volumes = {v["name"]: v for v in spec["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    env = {e["name"]: e for e in container["env"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]
    assert volumes[mounts[env["PROMETHEUS_MULTIPROC_DIR"]["value"]]]["emptyDir"]["medium"] == "Memory"
    # each API by its Service, on a port that Service serves
    for service in SERVICES:
        url = env[f"TANDEM_{service.upper()}_URL"]["value"]
        name, _, port = url.removeprefix("http://").partition(":")
        assert name == f"tandem-{service}-api"
        assert int(port or 80) in {p["port"] for p in services[name]["spec"]["ports"]}
    # no programme data and no power to sign tokens: its own session secret, nothing else
    assert not {"DATABASE_URL", "AMQP_URL", "TANDEM_SIGNING_KEY"} & set(env)
    assert not [n for n in env if n.endswith("_DATABASE_URL")]
    assert env["TANDEM_WEB_SECRET"]["valueFrom"]["secretKeyRef"] == {"name": "tandem-web-secret", "key": "TANDEM_WEB_SECRET"}
    # it vouches for each applicant's address with the key the APIs check it with
    client_key = env["TANDEM_CLIENT_KEY"]["valueFrom"]["secretKeyRef"]
    for service in SERVICES:
        api_env = {e["name"]: e for e in pod_spec(deployments[f"tandem-{service}-api"])["containers"][0]["env"]}
        assert api_env["TANDEM_CLIENT_KEY"]["valueFrom"]["secretKeyRef"] == client_key

    labels = web["spec"]["template"]["metadata"]["labels"]
    assert services["tandem-web"]["spec"]["selector"].items() <= labels.items()
    assert [p["name"] for p in services["tandem-web"]["spec"]["ports"]] == ["http"]
    hpa = by_kind(docs, "HorizontalPodAutoscaler")["tandem-web"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "tandem-web"}
    assert "replicas" not in web["spec"], "the autoscaler owns the web front's replicas"
    assert by_kind(docs, "PodDisruptionBudget")["tandem-web"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    monitor = by_kind(docs, "ServiceMonitor")["tandem-web"]["spec"]
    assert monitor["selector"]["matchLabels"].items() <= services["tandem-web"]["metadata"]["labels"].items()

    policy = by_kind(docs, "NetworkPolicy")["tandem-web"]["spec"]
    assert policy["podSelector"]["matchLabels"].items() <= labels.items() and policy["podSelector"]["matchLabels"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    sources = [peer["namespaceSelector"]["matchExpressions"][0]["values"] for rule in policy["ingress"] for peer in rule["from"]]
    assert sources == [["ingress-nginx"], ["monitoring"]]
    dns, apis = policy["egress"]
    assert {p["port"] for p in dns["ports"]} == {53}
    assert apis["ports"] == [{"port": "http", "protocol": "TCP"}]
    (peer,) = apis["to"]
    assert set(peer) == {"podSelector"}, "only pods of this namespace"
    selected = {e["key"]: e["values"] for e in peer["podSelector"]["matchExpressions"]}
    assert selected == {"app.kubernetes.io/part-of": ["tandem"], "app.kubernetes.io/component": ["api"],
                        "app.kubernetes.io/name": list(SERVICES)}
    # and every API admits it
    for service in SERVICES:
        api_policy = by_kind(docs, "NetworkPolicy")[f"tandem-{service}-api"]["spec"]
        admitted = [{e["key"]: e["values"] for e in peer["podSelector"]["matchExpressions"]}
                    for rule in api_policy["ingress"] for peer in rule["from"] if set(peer) == {"podSelector"}]
        assert {"app.kubernetes.io/part-of": ["tandem"], "app.kubernetes.io/component": ["web"]} in admitted
