"""Operator tooling: the dead-letter queues (``tandem dlq``) and the deployment files generated
from the code.

    tandem dlq list SERVICE [--limit N] [--json]
    tandem dlq replay SERVICE (--id ID ... | --all) [--direct]
    tandem dlq discard SERVICE (--id ID ... | --all) [--yes]

The broker topology in ``deploy/`` follows the services' handler tables: each consuming service
has a quorum queue bound to the event types it handles and a dead-letter queue. Those files are
generated here (``python -m services.ops`` writes them; ``generated_files()`` says what they
should contain) so that a new event type cannot leave them behind.
"""

from .dead_letters import DeadLetter, DeadLetterQueue, dlq  # noqa: F401
from .generated import GENERATED_HEADER, ROOT, RULES_FILE, generated_files, write_generated  # noqa: F401
from .kubernetes import K8S_RABBITMQ_CLUSTER, k8s_prometheus_rule, k8s_topology  # noqa: F401
from .topology import (  # noqa: F401
    VHOST,
    QueueSpec,
    _policy,
    permission_pattern,
    rabbitmq_definitions,
    routing_keys,
    service_topology,
)
