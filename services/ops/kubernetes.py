"""The broker's topology and the alert rules as Kubernetes objects: the messaging-topology
operator's, and the Prometheus Operator's."""

from __future__ import annotations

from typing import Any

from services.shared.config import SERVICES

from .topology import VHOST, permission_pattern, rabbitmq_definitions

# The RabbitmqCluster of deploy/k8s that the messaging-topology objects point at.
K8S_RABBITMQ_CLUSTER = "tandem-rabbitmq"


def _k8s(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "rabbitmq.com/v1beta1",
        "kind": kind,
        "metadata": {"name": name, "labels": {"app.kubernetes.io/part-of": "tandem"}},
        "spec": {**spec, "rabbitmqClusterReference": {"name": K8S_RABBITMQ_CLUSTER}},
    }


def _k8s_name(text: str) -> str:
    # a binding with no routing key (the parking queue's) would otherwise end in "--"
    return text.replace(".", "-").replace("_", "-").lower().strip("-")


def k8s_topology() -> list[dict[str, Any]]:
    """The same topology for the messaging-topology operator (Exchange, Queue, Binding, Policy),
    plus one broker user per service (User; the operator generates its credentials into the
    Secret ``<name>-user-credentials``) with its Permission."""
    definitions = rabbitmq_definitions()
    docs = []
    for x in definitions["exchanges"]:
        docs.append(_k8s("Exchange", _k8s_name(x["name"]), {
            "name": x["name"], "vhost": VHOST, "type": x["type"], "durable": True, "autoDelete": False,
        }))
    for q in definitions["queues"]:
        docs.append(_k8s("Queue", _k8s_name(q["name"]), {
            "name": q["name"], "vhost": VHOST, "type": q["arguments"]["x-queue-type"],
            "durable": True, "autoDelete": False,
            "arguments": {k: v for k, v in q["arguments"].items() if k != "x-queue-type"},
        }))
    for b in definitions["bindings"]:
        docs.append(_k8s("Binding", _k8s_name(f"{b['source']}--{b['destination']}--{b['routing_key']}"), {
            "vhost": VHOST, "source": b["source"], "destination": b["destination"],
            "destinationType": "queue", "routingKey": b["routing_key"],
        }))
    for p in definitions["policies"]:
        docs.append(_k8s("Policy", p["name"], {
            "name": p["name"], "vhost": VHOST, "pattern": p["pattern"], "applyTo": p["apply-to"],
            "priority": p["priority"], "definition": p["definition"],
        }))
    for service in SERVICES:
        docs.append(_k8s("User", f"tandem-{service}", {"tags": []}))
        pattern = permission_pattern(service)
        docs.append(_k8s("Permission", f"tandem-{service}", {
            "vhost": VHOST,
            "userReference": {"name": f"tandem-{service}"},
            "permissions": {"configure": pattern, "write": pattern, "read": pattern},
        }))
    return docs


def k8s_prometheus_rule(rules_text: str) -> dict[str, Any]:
    """The alert rules of ``deploy/prometheus/rules/tandem.yml`` as a PrometheusRule for the
    Prometheus Operator (the compose Prometheus loads the file itself)."""
    import yaml  # a development dependency: only `python -m services.ops` needs it

    groups = yaml.safe_load(rules_text)["groups"]
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "tandem", "labels": {"app.kubernetes.io/part-of": "tandem"}},
        "spec": {"groups": groups},
    }
