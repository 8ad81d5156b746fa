"""Everything Tandem holds about one person, as one JSON file: each service's part, put together.

Each of the four services exports its own part of a person's data (``GET /<service>/export/mine``
with the person's own link, ``GET /<service>/export/person?email=`` for their coordinator); the
web front holds none of it and only assembles the four answers. A file is whole or it is not
made: when a service does not answer, ``Incomplete`` names it, and the page says so instead of
handing over part of the data as if it were all of it (Articles 15 and 20 ask for everything).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Response

from services.shared import clock

from .backends import ApiError, backends

SERVICES = ("intake", "matching", "scheduling", "notify")


class Incomplete(Exception):
    """One or more services did not give their part; no file is made."""

    def __init__(self, services: list[str]):
        super().__init__(", ".join(services))
        self.services = services


def _part(service: str, answer) -> dict | None:
    """A service's part as the contract has it, or None when the answer is something else."""
    if not isinstance(answer, dict) or not isinstance(answer.get("sections"), dict):
        return None
    if answer.get("service") not in (None, service):
        return None
    return answer


def assemble(ask: Callable[[str], dict]) -> dict:
    """``{"generated_at", "tenant", "person_sha256", "intake": {...}, "matching": {...}, ...}``
    from ``ask(service)``, each service's export; every service is asked (so a page can name all
    that failed) and ``Incomplete`` is raised when any gave no part."""
    parts, missing = {}, []
    for service in SERVICES:
        try:
            part = _part(service, ask(service))
        except ApiError:
            part = None
        if part is None:
            missing.append(service)
        else:
            parts[service] = part
    if missing:
        raise Incomplete(missing)
    first = parts["intake"]
    digest = next((part["person_sha256"] for part in parts.values() if part.get("person_sha256")), None)
    return {"generated_at": clock.now().isoformat(), "tenant": first.get("tenant"), "person_sha256": digest,
            **parts}


def own(token: str) -> dict:
    """The person's own file, through each service's ``export/mine`` with their link's token."""
    found = backends()
    apis = {"intake": found.intake, **found.others}
    return assemble(lambda service: apis[service].call("GET", f"/{service}/export/mine", token=token))


def download(document: dict, name: str) -> Response:
    """The file as a download named ``<name>-<day>.json`` (the day it was made)."""
    day = str(document.get("generated_at") or clock.now().isoformat())[:10]
    body = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}-{day}.json"',
                             "Cache-Control": "no-store"})
