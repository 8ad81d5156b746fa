"""Every service's API survives its own OpenAPI document: schemathesis generates requests from
each document (valid ones, and ones that break it on purpose), sends them to the service's WSGI
app in-process with the caller's token, and every answer must be below 500 and match the schema
the document gives for its status — the error responses in the platform's one error shape too.

Path ids are the seeded tenant's real ones half of the time, so the generated requests reach
real programmes, cohorts, applications, pairs and meetings rather than only 404s. The seed is
fixed (derandomized), so a failure here fails the same way on every run."""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import response_schema_conformance

SERVICES = ("intake", "matching", "scheduling", "notify")
CASES_PER_SERVICE = 500
BOUNDARY_CASES = 60  # of each operation, then as many generated ones
# Operations being reworked elsewhere at the moment; what they still answer wrongly is printed,
# not failed, until that work lands.
KNOWN: dict[str, str] = {}


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def _token_for(app, operation, path_ids: dict, tokens: list[str]) -> str:
    """The first of the tenant's tokens the operation does not refuse for its role."""
    path = operation.path.format(**{name: path_ids.get(name, "x") for name in _path_names(operation)})
    for token in tokens:
        answer = app.test_client().open(f"/{operation.schema.raw_schema['servers'][0]['url'].strip('/')}{path}", method=operation.method.upper(),
                                        headers={"Authorization": f"Bearer {token}"})
        if answer.status_code != 403:
            return token
    return tokens[0]


def _path_names(operation) -> list[str]:
    return [p.name for p in operation.path_parameters]


def _real_ids(operation, ids: dict) -> dict:
    real = {name: ids[name] for name in _path_names(operation) if name in ids}
    if "number" in _path_names(operation):
        real["number"] = 1
    if "kind" in _path_names(operation):
        real["kind"] = "midpoint"
    return real


def _boundaries(operation, ids: dict) -> list:
    """Schemathesis's coverage cases: each parameter and field at its edges (empty, longest, the
    largest numbers, each enum value, each way to break it), on the tenant's real objects."""
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    generator = CoverageGenerator(
        operation=operation, generation_modes=modes, auth_storage=None, feedback=FeedbackSources(),
        generation_config=operation.schema.config.generation_for(operation=operation, phase="coverage"),
        override=Override(path_parameters=_real_ids(operation, ids)))
    return list(itertools.islice(generator, BOUNDARY_CASES))


def _strategy(operation, ids: dict):
    real = _real_ids(operation, ids)
    options = [operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE)]
    if real:
        options += [operation.as_strategy(path_parameters=real),
                    operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=real)]
    return st.one_of(options)


class Findings:
    """What the requests to one service met: how many were sent, their statuses by operation, and
    each distinct way an answer broke the document (by operation and failed check)."""

    def __init__(self):
        self.sent, self.statuses, self.failures, self.known = Counter(), Counter(), {}, {}

    def send(self, label: str, token: str, case) -> None:
        self.sent[label] += 1
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        self.statuses[label, response.status_code] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
        except (AssertionError, FailureGroup) as exc:
            found = self.known if label in KNOWN else self.failures
            for failure in getattr(exc, "exceptions", [exc]):
                title = f"{failure.title}: {failure.message.splitlines()[0]}" if hasattr(failure, "title") else str(failure)
                found.setdefault((label, title), f"{label} -> {response.status_code}: {title}\n"
                                                 f"    {case.as_curl_command()}\n    {response.text[:300]}")


def fuzz_operation(findings: Findings, operation, label: str, token: str, ids: dict, examples: int) -> None:
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=_strategy(operation, ids))
    def generated(case):
        findings.send(label, token, case)

    started = time.perf_counter()
    for case in _boundaries(operation, ids):
        findings.send(label, token, case)
    generated()
    print(f"{label}: {findings.sent[label]} cases in {time.perf_counter() - started:.1f}s,",
          dict(sorted((code, n) for (op, code), n in findings.statuses.items() if op == label)))


def fuzz(seeded, name: str) -> Findings:
    """Send the service's document to it, operation by operation, as the seeded tenant."""
    app = seeded.platform.apps[name]
    schema = schemathesis.openapi.from_wsgi(f"/{name}/openapi.json", app)
    operations = _operations(schema)
    tenant = seeded.ours
    tokens = [tenant.coordinator, tenant.mentee, tenant.representative, seeded.operator]
    examples = math.ceil(CASES_PER_SERVICE * 0.75 / len(operations))
    findings = Findings()
    for operation in operations:
        label = f"{operation.method.upper()} /{name}{operation.path}"
        fuzz_operation(findings, operation, label, _token_for(app, operation, tenant.ids, tokens), tenant.ids, examples)
    return findings


@pytest.mark.parametrize("name", SERVICES)
def test_every_answer_of_the_service_is_what_its_document_promises(seeded, name):
    findings = fuzz(seeded, name)
    for failure in sorted(findings.known.values()):
        print(f"known, being reworked: {failure}")
    failures = sorted(findings.failures.values())
    assert not failures, f"{len(failures)} answers of {name} broke its document:\n" + "\n".join(failures)
    sent = sum(findings.sent.values())
    assert sent >= CASES_PER_SERVICE, f"only {sent} generated requests for {name}"
