"""Benchmark of the web front: what its busiest pages cost on top of the API calls behind them.

The embedded platform (the four APIs under their prefixes and the web front at ``/``, as
``tandem run`` serves them) runs on a local port in a child process, its web front calling the APIs
over HTTP on that same server, as in every mode (the clients run in this process, so they do not
compete with the server for its interpreter). A coordinator sets up a programme and an open
cohort through intake's API and ``--clients`` mentees apply. Then, page by page, ``--clients``
client threads (each with its own ``requests`` session) ask for the page ``--requests`` times in
all, and in the same run make the same API calls the page makes, directly, in the same order,
as often and under the same number of clients. Each is timed in four turns that alternate (page,
API calls, API calls, page, ...), so a load that comes and goes on the machine weighs on both
alike, and the clients keep asking until a turn's last timed call has ended, so every timed call
runs beside as many others:

  cohort      GET  /cohorts/<id>                  GET  /intake/public/cohorts/<id>
  apply       POST /cohorts/<id>/apply/mentee     GET  /intake/public/cohorts/<id>,
                                                  POST /intake/public/cohorts/<id>/applications
  mine        GET  /applications/mine?token=      GET  /intake/applications/mine,
                                                  GET  /intake/public/cohorts/<id>,
                                                  GET  /scheduling/mine (a place: the pair)
  agreement   GET  /pairs/<id>/agreement?token=   GET  /scheduling/pairs/<id>,
                                                  GET  /scheduling/pairs/<id>/agreement
  meetings    GET  /pairs/<id>/meetings?token=    GET  /scheduling/pairs/<id>

For the pair's pages a second cohort gets as many mentees and mentors as there are clients,
matched by a matching run the coordinator approves (the platform's workers run for that, and stop
before the timing starts); each client opens its own pair's pages with its mentee's link.

It prints the median and p95 of each page and of its API calls, the ratio of the medians, and
whether the page meets the target: median at most 1.5 × its API calls' median + 10 ms. The last
line is one JSON object.

    .venv/bin/python bench/web.py [--quick] [--requests N] [--clients N]

Exit status: 0 when the run completed (target met or not), 1 when a request failed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

FACTOR, ALLOWANCE_MS = 1.5, 10.0  # a page costs at most 1.5x its API calls, plus 10 ms
ROUNDS = 4  # turns of the page's timing and its API calls' timing
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def say(line: str = "") -> None:
    print(line, flush=True)


class Deferred:
    """The server listens (and so knows its port) before the platform is built with that URL."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(data: Path, url: str) -> dict:
    """The platform's settings for the run: its own data directory, SQLite, the in-memory broker,
    no SMTP, and a public rate limit no run reaches."""
    env = {**os.environ, "TANDEM_DATA_DIR": str(data), "AMQP_URL": "memory://", "TANDEM_PUBLIC_URL": url,
           "TANDEM_WEB_URL": url, "TANDEM_PUBLIC_RATE_LIMIT": "1000000 per minute",
           **{f"TANDEM_{name}_URL": url for name in ("INTAKE", "MATCHING", "SCHEDULING", "NOTIFY")}}
    for name in ("SMTP_HOST", "DATABASE_URL", "TANDEM_SIGNING_KEY"):
        env.pop(name, None)
    return env


def serve(port: int) -> None:
    """The child: the embedded platform on ``port`` until it is told to stop (SIGTERM)."""
    from services import embedded

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    deferred = Deferred()
    server = embedded.make_server("127.0.0.1", port, deferred)  # as `tandem run` serves it: connections kept open
    platform = embedded.build(public_url=f"http://127.0.0.1:{port}")
    deferred.app = platform.wsgi
    platform.start_workers()  # matching runs and scheduling learns of the pairs through them
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    signal.signal(signal.SIGUSR1, lambda *_: platform.stop.set())  # set up: the workers stop
    try:
        server.serve_forever()
    finally:
        platform.shutdown()


def start(data: Path) -> tuple[str, subprocess.Popen]:
    """The platform in a child process, once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], env=environment(data, url))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"the platform stopped on start (exit {child.returncode})")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return url, child
        except requests.RequestException:
            pass
        time.sleep(0.2)
    child.terminate()
    raise RuntimeError("the platform did not answer within a minute")


def form(email: str) -> dict:
    """A mentee's application form as a person fills it in."""
    return {"name": "Amira Haddad", "email": email, "locale": "sv", "language_rows": "3",
            "languages-0-language": "ar", "languages-0-level": "native",
            "languages-1-language": "sv", "languages-1-level": "B2",
            "mentoring_languages": ["sv", "en"], "wished_profession": "Nationalekonomer (2631)",
            "education_field": "Nationalekonomi", "education_level": "master", "education_country": "SY",
            "experience_years": "5", "city": "Stockholm", "remote_ok": "yes", "consent": "yes", "action": "apply"}


def api_body(email: str, consent_version: str) -> dict:
    """The API's body the application form makes from the same answers."""
    from services.web.forms import ApplicationForm

    return ApplicationForm.typed(MultiDict(form(email))).body("mentee", consent_version)[0]


def mentor_body(email: str, consent_version: str) -> dict:
    """A mentor who fits the mentees: the profession they wish for, Swedish as their language."""
    body = {**api_body(email, consent_version), "role": "mentor", "employer": "Riksbanken", "capacity": 1,
            "profession": {"code": "2631", "title": "Nationalekonom"},
            "languages": [{"language": "sv", "level": "native"}, {"language": "en", "level": "C1"}]}
    body.pop("wished_profession", None)
    return body


def eventually(found, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = found()
        if answer:
            return answer
        time.sleep(0.2)
    raise RuntimeError(f"no {what} within {timeout:g} s")


def expect(answer: requests.Response, status: int) -> requests.Response:
    if answer.status_code != status:
        raise RuntimeError(f"{answer.request.method} {answer.url}: {answer.status_code}, not {status}: {answer.text[:300]}")
    return answer


class Setup:
    """The programme, the cohort and the applicants the pages are asked about."""

    def __init__(self, url: str, key: str, clients: int):
        from services.shared.tenancy import issue_token

        self.url = url
        operator = {"Authorization": f"Bearer {issue_token(key, tenant='*', role='operator', sub='ops')}"}
        slug = f"b{uuid.uuid4().hex[:8]}"
        expect(requests.post(f"{url}/intake/tenants", json={"slug": slug, "name": "Bench"}, headers=operator), 201)
        token = expect(requests.post(f"{url}/intake/tenants/{slug}/tokens", json={"role": "coordinator", "sub": f"c@{slug}.se"},
                                     headers=operator), 201).json()["token"]
        self.coordinator = coordinator = {"Authorization": f"Bearer {token}"}
        self.programme = programme = expect(requests.post(f"{url}/intake/programmes", headers=coordinator, json={
            "name": {"sv": "Mentorprogram för utrikes födda akademiker", "en": "Mentoring for foreign-born graduates"},
            "locale": "sv", "languages": ["sv", "en"]}), 201).json()
        self.cohort = expect(requests.post(f"{url}/intake/programmes/{programme['id']}/cohorts", headers=coordinator, json={
            "name": "Våren 2027", "open": True, "time_zone": "Europe/Stockholm", "starts_on": "2027-02-01",
            "ends_on": "2027-08-31", "mentee_places": 10000, "admission": "first_come",
            "group_events": [{"kind": "training", "title": {"sv": "Utbildningsdag", "en": "Training day"}, "mandatory": True,
                              "starts_at": "2027-02-10T09:00:00", "ends_at": "2027-02-10T16:00:00"}]}), 201).json()
        self.consent_version = self.public_cohort(requests)["consent_version"]
        self.tokens = [expect(requests.post(self.applications, json=api_body(f"early{i}@example.se", self.consent_version)),
                              201).json()["manage_token"] for i in range(clients)]
        self.emails = (f"applicant{n}@example.se" for n in itertools.count())
        self.lock = threading.Lock()
        self.pairs = self.matched(clients)

    def matched(self, count: int) -> list[tuple[str, str]]:
        """``count`` confirmed pairs in a cohort of their own: (pair id, the mentee's token) each."""
        url, coordinator = self.url, self.coordinator
        cohort = expect(requests.post(f"{url}/intake/programmes/{self.programme['id']}/cohorts", headers=coordinator, json={
            "name": "Hösten 2027", "open": True, "time_zone": "Europe/Stockholm", "starts_on": "2027-09-01",
            "ends_on": "2028-02-28", "mentee_places": count, "admission": "first_come"}), 201).json()
        applications = f"{url}/intake/public/cohorts/{cohort['id']}/applications"
        mentees = [expect(requests.post(applications, json=api_body(f"pair-mentee{i}@example.se", self.consent_version)),
                          201).json()["manage_token"] for i in range(count)]
        for i in range(count):
            expect(requests.post(applications, json=mentor_body(f"pair-mentor{i}@example.se", self.consent_version)), 201)
        candidates = f"{url}/matching/cohorts/{cohort['id']}/candidates"
        def all_candidates() -> bool:  # matching learns of the cohort and its applicants from intake's events
            answer = requests.get(candidates, headers=coordinator)
            return answer.status_code != 404 and len(expect(answer, 200).json()) == 2 * count

        eventually(all_candidates, "candidates in matching")
        run = expect(requests.post(f"{url}/matching/cohorts/{cohort['id']}/runs", json={}, headers=coordinator), 202).json()
        finished = eventually(lambda: (lambda r: r["status"] in ("succeeded", "failed") and r)(
            expect(requests.get(f"{url}/matching/runs/{run['id']}", headers=coordinator), 200).json()), "matching run")
        if finished["status"] != "succeeded":
            raise RuntimeError(f"the matching run {finished['status']}")
        expect(requests.post(f"{url}/matching/runs/{run['id']}/approve", headers=coordinator), 200)

        def pair_of(mentee: str):
            mine = expect(requests.get(f"{url}/scheduling/mine", headers={"Authorization": f"Bearer {mentee}"}), 200).json()
            return mine["pairs"] and mine["pairs"][0]["pair_id"]

        return [(eventually(lambda m=mentee: pair_of(m), "pair in scheduling"), mentee) for mentee in mentees]

    @property
    def applications(self) -> str:
        return f"{self.url}/intake/public/cohorts/{self.cohort['id']}/applications"

    def email(self) -> str:
        with self.lock:
            return next(self.emails)

    def public_cohort(self, session) -> dict:
        return expect(session.get(f"{self.url}/intake/public/cohorts/{self.cohort['id']}", params={"lang": "sv"}), 200).json()

    # -- each page, and the API calls it makes -----------------------------------------------

    def cohort_page(self, session, _client: int) -> None:
        expect(session.get(f"{self.url}/cohorts/{self.cohort['id']}", params={"lang": "sv"}), 200)

    def cohort_api(self, session, _client: int) -> None:
        self.public_cohort(session)

    def apply_prepare(self, session, _client: int) -> None:
        """The form once per client, before the timing: its session's CSRF token."""
        page = expect(session.get(f"{self.url}/cohorts/{self.cohort['id']}/apply/mentee", params={"lang": "sv"}), 200)
        session.csrf = CSRF.search(page.text).group(1)

    def apply_page(self, session, _client: int) -> None:
        expect(session.post(f"{self.url}/cohorts/{self.cohort['id']}/apply/mentee?lang=sv", allow_redirects=False,
                            data={**form(self.email()), "csrf_token": session.csrf}), 302)

    def apply_api(self, session, _client: int) -> None:
        self.public_cohort(session)
        expect(session.post(self.applications, json=api_body(self.email(), self.consent_version)), 201)

    def mine_page(self, session, client: int) -> None:
        expect(session.get(f"{self.url}/applications/mine", params={"token": self.tokens[client]}), 200)

    def mine_api(self, session, client: int) -> None:
        mine = expect(session.get(f"{self.url}/intake/applications/mine",
                                  headers={"Authorization": f"Bearer {self.tokens[client]}"}), 200).json()
        self.public_cohort(session)
        if mine["status"] == "accepted":  # the page looks for the person's pair
            answer = session.get(f"{self.url}/scheduling/mine", headers={"Authorization": f"Bearer {self.tokens[client]}"})
            assert answer.status_code in (200, 404), answer.text

    def agreement_page(self, session, client: int) -> None:
        pair, token = self.pairs[client]
        expect(session.get(f"{self.url}/pairs/{pair}/agreement", params={"token": token, "lang": "sv"}), 200)

    def agreement_api(self, session, client: int) -> None:
        pair, token = self.pairs[client]
        expect(session.get(f"{self.url}/scheduling/pairs/{pair}", headers={"Authorization": f"Bearer {token}"}), 200)
        expect(session.get(f"{self.url}/scheduling/pairs/{pair}/agreement", headers={"Authorization": f"Bearer {token}"}), 200)

    def meetings_page(self, session, client: int) -> None:
        pair, token = self.pairs[client]
        expect(session.get(f"{self.url}/pairs/{pair}/meetings", params={"token": token, "lang": "sv"}), 200)

    def meetings_api(self, session, client: int) -> None:
        pair, token = self.pairs[client]
        expect(session.get(f"{self.url}/scheduling/pairs/{pair}", headers={"Authorization": f"Bearer {token}"}), 200)


def load(call, count: int, clients: int, prepare=None) -> list[float]:
    """``clients`` threads, each with its own session (prepared before the timing), make ``count``
    timed calls in all; until the last timed call has ended every client keeps calling (untimed),
    so each timed call runs beside ``clients - 1`` others, the last ones too. Each call's time in ms."""
    times: list[float] = []
    failures: list[BaseException] = []
    left = itertools.count()
    lock = threading.Lock()
    ready, done = threading.Barrier(clients), threading.Event()

    def client(number: int) -> None:
        session = requests.Session()
        try:
            if prepare:
                prepare(session, number)
            ready.wait()
            while not done.is_set():
                timed = next(left) < count
                started = time.perf_counter()
                call(session, number)
                took = (time.perf_counter() - started) * 1000
                if timed:
                    with lock:
                        times.append(took)
                        if len(times) == count:
                            done.set()
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
            done.set()
            ready.abort()
        finally:
            session.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise next((f for f in failures if not isinstance(f, threading.BrokenBarrierError)), failures[0])
    return times


def measure(page, api, count: int, clients: int, prepare=None, rounds: int = ROUNDS) -> tuple[list[float], list[float]]:
    """The page ``count`` times and its API calls as often, each under ``clients`` clients asking
    for it alone, in ``rounds`` turns that alternate between the two (and which goes first), so a
    load that comes and goes on the machine weighs on both alike."""
    page_ms: list[float] = []
    api_ms: list[float] = []
    for turn in range(rounds):
        share = count // rounds + (turn < count % rounds)
        both = [(page, page_ms, prepare), (api, api_ms, None)]
        for call, into, ready in (both if turn % 2 == 0 else reversed(both)):
            into.extend(load(call, share, clients, ready))
    return page_ms, api_ms


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per page (and as many API rounds)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="80 requests per page")
    parser.add_argument("--no-console", action="store_true", help="without the console's pages at scale (bench/web_console.py)")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the child
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    if args.quick:
        args.requests = 80

    with tempfile.TemporaryDirectory(prefix="tandem-bench-web-") as data:
        from services.shared.config import signing_key

        os.environ["TANDEM_DATA_DIR"] = data
        os.environ.pop("TANDEM_SIGNING_KEY", None)
        key = signing_key()  # written to the data directory, where the child reads it
        child = None
        try:
            url, child = start(Path(data))
            setup = Setup(url, key, args.clients)
            child.send_signal(signal.SIGUSR1)  # what is timed is the pages and the APIs, not the workers
            time.sleep(1)
            say(f"web front and APIs on {url}; {args.clients} clients, {args.requests} requests per page")
            say(f"{'page':<8} {'page p50':>9} {'p95':>8} {'API p50':>9} {'p95':>8} {'ratio':>6}  target")
            results = {}
            for name in ("cohort", "apply", "mine", "agreement", "meetings"):
                page, api = getattr(setup, f"{name}_page"), getattr(setup, f"{name}_api")
                prepare = getattr(setup, f"{name}_prepare", None)
                measure(page, api, args.clients * 2, args.clients, prepare, rounds=1)  # warm up
                page_ms, api_ms = measure(page, api, args.requests, args.clients, prepare)
                figures = {"page_p50_ms": round(statistics.median(page_ms), 1), "page_p95_ms": round(p95(page_ms), 1),
                           "api_p50_ms": round(statistics.median(api_ms), 1), "api_p95_ms": round(p95(api_ms), 1)}
                figures["ratio"] = round(figures["page_p50_ms"] / figures["api_p50_ms"], 2)
                figures["target_met"] = figures["page_p50_ms"] <= FACTOR * figures["api_p50_ms"] + ALLOWANCE_MS
                results[name] = figures
                say(f"{name:<8} {figures['page_p50_ms']:>7.1f}ms {figures['page_p95_ms']:>6.1f}ms "
                    f"{figures['api_p50_ms']:>7.1f}ms {figures['api_p95_ms']:>6.1f}ms {figures['ratio']:>6.2f}  "
                    f"{'met' if figures['target_met'] else 'MISSED'}")
        except Exception as error:  # noqa: BLE001 - the run failed: say why, exit 1
            say(f"failed: {error}")
            return 1
        finally:
            if child is not None:
                child.terminate()
                child.wait(timeout=30)
    summary = {"bench": "web", "clients": args.clients, "requests": args.requests, "pages": results,
               "target": f"page p50 <= {FACTOR} x API p50 + {ALLOWANCE_MS:g} ms",
               "target_met": all(r["target_met"] for r in results.values())}
    if not args.no_console:  # the coordinator's console at scale, on `tandem up` (skipped without RabbitMQ and PostgreSQL)
        from bench.web_console import run as console_pages

        try:
            summary["console"] = console_pages(args.requests, args.clients)
        except Exception as error:  # noqa: BLE001 - the run failed: say why, exit 1
            say(f"failed: the console's pages: {error}")
            return 1
    say(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
