"""Benchmark of the coordinator's console at scale: its busiest pages against the API calls behind them.

`tandem up` runs as `make up` runs it — each service's API under gunicorn and its worker, the web
front under gunicorn, on the real RabbitMQ (a scratch vhost) and PostgreSQL (scratch databases),
notify mailing to an SMTP server on loopback in this process (tests/integration/up.py starts it).
Through the APIs a coordinator sets up one programme and a cohort of 1,000 mentee places, first
come; 1,700 mentees and 300 mentors who take three mentees each apply (2,000 applications, sent
concurrently, the public rate limit raised for the run): 1,000 mentees are accepted and 700
waitlisted. The cohort is closed and a matching run of the 1,000 accepted mentees against the 900
mentor places proposes 900 pairs (100 mentees stay unmatched). The coordinator signs in to the web
front as a person does (the operator invites her, the link comes by e-mail, she presses its
button) and every client reuses that session's cookie. The review page is timed while the 900
proposals wait for her (each row with its approve and reject buttons); then she approves them all,
and once scheduling has the 900 pairs and notify has sent its e-mails the other pages are timed.

Then each page is measured as bench/web.py measures its pages (its ``measure``: ``--clients``
client threads, alternating turns of the page and of the same API calls made directly, in the
same order, each timed alone under the same load):

  applications   GET /console/cohorts/<id>/applications   intake: the cohort, its programme, the
                                                          first page of applications (50), the
                                                          waiting list's first 10
  filtered       the same, ?role=mentee&status=waitlisted the same, filtered
  review         GET /console/cohorts/<id>/matching       intake: the cohort, its programme;
                                                          matching: the runs, the proposals' first
                                                          page (50), the unmatched' first page
  pairs          GET /console/cohorts/<id>/pairs          intake: the cohort, its programme;
                                                          scheduling: the pair list's first page
  dashboard      GET /console/overview                    intake: programmes, their cohorts; per
                                                          active cohort matching's runs and the
                                                          proposals still proposed, scheduling's
                                                          pairs quiet for a month; notify's
                                                          failed deliveries

Targets, for each page: p95 at most 300 ms, and a median at most 1.5 x its API calls' median +
10 ms. bench/web.py runs this at its end; on its own:

    .venv/bin/python bench/web_console.py [--quick] [--requests N] [--clients N]

Exit status: 0 when the run completed (targets met or not; a page whose request failed is reported
as failed and the others are still measured), 2 when RabbitMQ or PostgreSQL is not there (nothing
is measured), 1 when the setup failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.web import (  # noqa: E402
    ALLOWANCE_MS,
    CSRF,
    FACTOR,
    api_body,
    eventually,
    expect,
    measure,
    mentor_body,
    p95,
    say,
)

P95_MS = 300.0  # every console page's p95
MENTEES, PLACES, MENTORS, CAPACITY = 1700, 1000, 300, 3  # 2,000 applications; 1,000 accepted mentees, 900 pairs
PAIRS = MENTORS * CAPACITY
SEEDERS = 16  # applications sent at once
PAGE_SIZE = 50  # the console's lists
SHOWN = 10  # the waiting list's and the dashboard's rows
QUIET = timedelta(days=30)
FILTER = {"role": "mentee", "status": "waitlisted"}
ACTIVE = ("open", "closed", "running")
PAGES = ("applications", "filtered", "review", "pairs", "dashboard")


class Unavailable(RuntimeError):
    """RabbitMQ or PostgreSQL is not there: nothing to measure on."""


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def check() -> None:
    """The broker, its vhost tool and the database, or why not."""
    amqp_host = os.environ.get("TANDEM_TEST_AMQP_HOST", "127.0.0.1")
    if not _reachable(amqp_host, 5672):
        raise Unavailable(f"RabbitMQ is not reachable on {amqp_host}:5672")
    if shutil.which("rabbitmqctl") is None:
        raise Unavailable("rabbitmqctl is not on PATH; it is needed to make the scratch vhost")
    if not _reachable("127.0.0.1", 5432):
        raise Unavailable("PostgreSQL is not reachable on 127.0.0.1:5432")


class Console:
    """The tenant, its cohort of 2,000 applications and 900 pairs, the coordinator's signed-in web
    session, and each page with the API calls it makes."""

    def __init__(self, up):
        from services.shared.tenancy import issue_token

        self.up = up
        self.web = up.web
        self.intake, self.matching = up.urls["intake"], up.urls["matching"]
        self.scheduling, self.notify = up.urls["scheduling"], up.urls["notify"]
        operator = {"Authorization": f"Bearer {issue_token(up.key, tenant='*', role='operator', sub='ops')}"}
        slug = f"b{uuid.uuid4().hex[:8]}"
        expect(requests.post(f"{self.intake}/intake/tenants", json={"slug": slug, "name": "Bench"}, headers=operator), 201)
        token = expect(requests.post(f"{self.intake}/intake/tenants/{slug}/tokens", headers=operator,
                                     json={"role": "coordinator", "sub": f"c@{slug}.se"}), 201).json()["token"]
        self.bearer = {"Authorization": f"Bearer {token}"}
        started = time.monotonic()
        self.programme = expect(requests.post(f"{self.intake}/intake/programmes", headers=self.bearer, json={
            "name": {"sv": "Mentorprogram för utrikes födda akademiker", "en": "Mentoring for foreign-born graduates"},
            "locale": "sv", "languages": ["sv", "en"]}), 201).json()
        self.cohort = expect(requests.post(f"{self.intake}/intake/programmes/{self.programme['id']}/cohorts",
                                           headers=self.bearer, json={
            "name": "Våren 2027", "open": True, "time_zone": "Europe/Stockholm", "starts_on": "2027-02-01",
            "ends_on": "2027-08-31", "mentee_places": PLACES, "admission": "first_come"}), 201).json()
        self.apply_all()
        say(f"  {MENTEES + MENTORS} applications in {time.monotonic() - started:.0f} s")
        expect(requests.post(f"{self.intake}/intake/cohorts/{self.cohort['id']}/close", headers=self.bearer), 200)
        self.run = self.match()
        self.cookies = self.sign_in(slug, operator)
        self.quiet_mail()
        say(f"  {PAIRS} pairs proposed, set up in {time.monotonic() - started:.0f} s")

    # -- the setup ---------------------------------------------------------------------------

    def apply_all(self) -> None:
        """The mentors, then the mentees, sent ``SEEDERS`` at a time to the public application form."""
        url = f"{self.intake}/intake/public/cohorts/{self.cohort['id']}/applications"
        consent = expect(requests.get(f"{self.intake}/intake/public/cohorts/{self.cohort['id']}"), 200).json()["consent_version"]
        local = threading.local()

        def send(body: dict) -> None:
            if not hasattr(local, "session"):
                local.session = requests.Session()
            expect(local.session.post(url, json=body), 201)

        mentors = [{**mentor_body(f"mentor{i}@example.se", consent), "capacity": CAPACITY} for i in range(MENTORS)]
        mentees = [api_body(f"mentee{i}@example.se", consent) for i in range(MENTEES)]
        with ThreadPoolExecutor(SEEDERS) as pool:
            list(pool.map(send, mentors))
            list(pool.map(send, mentees))

    def match(self) -> dict:
        """Matching's run of the accepted mentees, its proposals waiting for review: the run."""
        cohort = self.cohort["id"]

        def all_candidates() -> bool:  # matching hears of the applicants from intake's events
            answer = requests.get(f"{self.matching}/matching/cohorts/{cohort}/candidates", headers=self.bearer)
            return answer.status_code != 404 and len(expect(answer, 200).json()) == MENTEES + MENTORS

        eventually(all_candidates, "applicants in matching", timeout=180)
        run = expect(requests.post(f"{self.matching}/matching/cohorts/{cohort}/runs", json={}, headers=self.bearer), 202).json()
        finished = eventually(lambda: (lambda r: r["status"] in ("succeeded", "failed") and r)(
            expect(requests.get(f"{self.matching}/matching/runs/{run['id']}", headers=self.bearer), 200).json()),
            "the matching run", timeout=180)
        if finished["status"] != "succeeded":
            raise RuntimeError(f"the matching run {finished['status']}: {finished.get('failure_reason')}")
        proposals = expect(requests.get(f"{self.matching}/matching/runs/{run['id']}/proposals", params={"page_size": 1},
                                        headers=self.bearer), 200).json()["total"]
        if proposals != PAIRS:
            raise RuntimeError(f"the matching run proposed {proposals} pairs, not {PAIRS}")
        return finished

    def approve(self) -> None:
        """Every proposal approved; until scheduling has every pair and notify has told them."""
        started = time.monotonic()
        cohort = self.cohort["id"]
        expect(requests.post(f"{self.matching}/matching/runs/{self.run['id']}/approve", headers=self.bearer, timeout=120), 200)

        def all_pairs() -> bool:
            answer = requests.get(f"{self.scheduling}/scheduling/cohorts/{cohort}/pair-list", params={"page_size": 1},
                                  headers=self.bearer)
            return answer.status_code == 200 and answer.json()["total"] == PAIRS

        eventually(all_pairs, "every pair in scheduling", timeout=600)
        self.quiet_mail()
        say(f"  {PAIRS} pairs approved, in scheduling after {time.monotonic() - started:.0f} s")

    def sign_in(self, slug: str, operator: dict) -> dict:
        """The coordinator invited by the operator signs in with the link in her e-mail: the session's cookies."""
        email = f"maria@{slug}.example.se"
        expect(requests.post(f"{self.intake}/intake/tenants/{slug}/staff", headers=operator,
                             json={"email": email, "name": "Maria Virtanen", "role": "coordinator", "locale": "sv"}), 201)
        link = self.up.inbox.link(email, f"{self.web}/sign-in/", timeout=120)
        with requests.Session() as session:
            page = expect(session.get(link), 200)
            token = CSRF.search(page.text).group(1)
            expect(session.post(link, data={"csrf_token": token}, allow_redirects=False), 302)
            expect(session.get(f"{self.web}/console/overview", params={"lang": "sv"}), 200)  # signed in as a coordinator
            return session.cookies.get_dict()

    def quiet_mail(self, timeout: float = 300) -> None:
        """Until notify has sent what it was told to (the acknowledgements, the pairs' e-mails) and
        nothing new has come for 3 s, or ``timeout``: the pages are timed without that work beside them."""
        url = f"{self.notify}/notify/deliveries/count"
        deadline = time.monotonic() + timeout
        seen, still = None, 0
        while time.monotonic() < deadline:
            total = expect(requests.get(url, headers=self.bearer), 200).json()["total"]
            pending = expect(requests.get(url, params={"status": "pending"}, headers=self.bearer), 200).json()["total"]
            still = still + 1 if pending == 0 and total == seen else 0
            if still >= 3:
                return
            seen = total
            time.sleep(1)
        say(f"  (notify still had e-mails to send after {timeout:g} s; timing with it sending)")

    # -- each page, and the API calls it makes -----------------------------------------------

    def prepare(self, session, _client: int) -> None:
        session.cookies.update(self.cookies)

    def page(self, session, path: str, **params) -> None:
        started = time.perf_counter()
        answer = session.get(f"{self.web}{path}", params={"lang": "sv", **params}, allow_redirects=False)
        if answer.status_code != 200:  # how long it took says whether an API timed out behind it
            raise RuntimeError(f"GET {answer.url}: {answer.status_code} after {time.perf_counter() - started:.1f} s")

    def get(self, session, url: str, **params):
        return expect(session.get(url, params=params or None, headers=self.bearer), 200).json()

    def cohort_api(self, session) -> dict:
        cohort = self.get(session, f"{self.intake}/intake/cohorts/{self.cohort['id']}")
        self.get(session, f"{self.intake}/intake/programmes/{cohort['programme_id']}")
        return cohort

    def applications_page(self, session, _client: int) -> None:
        self.page(session, f"/console/cohorts/{self.cohort['id']}/applications")

    def applications_api(self, session, _client: int, **filters) -> None:
        self.cohort_api(session)
        url = f"{self.intake}/intake/cohorts/{self.cohort['id']}/applications"
        self.get(session, url, **filters, page=1, page_size=PAGE_SIZE)
        self.get(session, url, role="mentee", status="waitlisted", page=1, page_size=SHOWN)

    def filtered_page(self, session, _client: int) -> None:
        self.page(session, f"/console/cohorts/{self.cohort['id']}/applications", **FILTER)

    def filtered_api(self, session, client: int) -> None:
        self.applications_api(session, client, **FILTER)

    def review_page(self, session, _client: int) -> None:
        self.page(session, f"/console/cohorts/{self.cohort['id']}/matching")

    def review_api(self, session, _client: int) -> None:
        self.cohort_api(session)
        self.get(session, f"{self.matching}/matching/cohorts/{self.cohort['id']}/runs")
        run = f"{self.matching}/matching/runs/{self.run['id']}"
        self.get(session, f"{run}/proposals", page=1, page_size=PAGE_SIZE)
        self.get(session, f"{run}/unmatched", page=1, page_size=PAGE_SIZE)

    def pairs_page(self, session, _client: int) -> None:
        self.page(session, f"/console/cohorts/{self.cohort['id']}/pairs")

    def pairs_api(self, session, _client: int) -> None:
        self.cohort_api(session)
        self.get(session, f"{self.scheduling}/scheduling/cohorts/{self.cohort['id']}/pair-list", page=1, page_size=PAGE_SIZE)

    def dashboard_page(self, session, _client: int) -> None:
        self.page(session, "/console/overview")

    def dashboard_api(self, session, _client: int) -> None:
        """What the dashboard asks, decided the way it decides: the cohorts, and per active cohort
        its runs, the newest succeeded run's proposals left to decide and (once closed) the quiet pairs."""
        since = (datetime.now(UTC) - QUIET).isoformat()
        for programme in self.get(session, f"{self.intake}/intake/programmes"):
            for cohort in self.get(session, f"{self.intake}/intake/programmes/{programme['id']}/cohorts"):
                if cohort["status"] not in ACTIVE:
                    continue
                runs = self.get(session, f"{self.matching}/matching/cohorts/{cohort['id']}/runs")
                newest = next((r for r in runs if r["status"] in ("succeeded", "queued", "running")), None)
                if newest and newest["status"] == "succeeded":
                    self.get(session, f"{self.matching}/matching/runs/{newest['id']}/proposals", status="proposed", page_size=1)
                if cohort["status"] != "open":
                    self.get(session, f"{self.scheduling}/scheduling/cohorts/{cohort['id']}/pair-list", quiet_since=since,
                             page_size=SHOWN)
        self.get(session, f"{self.notify}/notify/deliveries", status="failed", order="newest", limit=SHOWN + 1)


def timed(console: Console, names: tuple[str, ...], count: int, clients: int) -> dict:
    """Each page and its API calls, as bench/web.py times its pages: the figures per page."""
    results = {}
    for name in names:
        page, api = getattr(console, f"{name}_page"), getattr(console, f"{name}_api")
        try:
            measure(page, api, clients * 2, clients, console.prepare, rounds=1)  # warm up
            page_ms, api_ms = measure(page, api, count, clients, console.prepare)
        except RuntimeError as failed:  # a request failed: said, and the next page is measured all the same
            say(f"{name:<13} FAILED: {str(failed).splitlines()[0][:300]}")
            results[name] = {"failed": str(failed).splitlines()[0][:300], "target_met": False}
            continue
        figures = {"page_p50_ms": round(statistics.median(page_ms), 1), "page_p95_ms": round(p95(page_ms), 1),
                   "api_p50_ms": round(statistics.median(api_ms), 1), "api_p95_ms": round(p95(api_ms), 1)}
        figures["ratio"] = round(figures["page_p50_ms"] / figures["api_p50_ms"], 2)
        figures["p95_met"] = figures["page_p95_ms"] <= P95_MS
        figures["ratio_met"] = figures["page_p50_ms"] <= FACTOR * figures["api_p50_ms"] + ALLOWANCE_MS
        figures["target_met"] = figures["p95_met"] and figures["ratio_met"]
        results[name] = figures
        missed = [what for what, met in (("p95", figures["p95_met"]), ("ratio", figures["ratio_met"])) if not met]
        say(f"{name:<13} {figures['page_p50_ms']:>7.1f}ms {figures['page_p95_ms']:>6.1f}ms "
            f"{figures['api_p50_ms']:>7.1f}ms {figures['api_p95_ms']:>6.1f}ms {figures['ratio']:>6.2f}  "
            f"{'met' if not missed else 'MISSED: ' + ', '.join(missed)}")
    return results


def problems(log: Path, last: int = 15) -> list[str]:
    """The last lines of `tandem up`'s log at warning or above (with a traceback's last line)."""
    found = [line.rstrip()[:400] for line in log.read_text(errors="replace").splitlines()
             if re.search(r'"level": "(WARNING|ERROR|CRITICAL)"|\[(WARNING|ERROR|CRITICAL)\]|^\w*(Error|Exception)\b', line)]
    return found[-last:]


def run(count: int, clients: int) -> dict:
    """The console's part of the benchmark: ``{"pages": …, "target_met": …}``, or ``{"skipped": why}``
    when RabbitMQ or PostgreSQL is not there. Raises when the run fails."""
    try:
        check()
    except Unavailable as missing:
        say(f"console pages skipped: {missing}")
        return {"skipped": str(missing)}
    from tests.integration.up import scratch_vhost, smtp_server, tandem_up

    postgres = os.environ.get("TANDEM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/{db}")
    amqp_host = os.environ.get("TANDEM_TEST_AMQP_HOST", "127.0.0.1")
    saved = {name: os.environ.get(name) for name in ("TANDEM_PUBLIC_RATE_LIMIT", "TANDEM_WEB_SECURE_COOKIES")}
    os.environ["TANDEM_PUBLIC_RATE_LIMIT"] = "1000000 per minute"  # 2,000 applications from one client
    os.environ["TANDEM_WEB_SECURE_COOKIES"] = "0"  # the session cookie over plain HTTP on loopback
    try:
        with tempfile.TemporaryDirectory(prefix="tandem-bench-console-") as data, scratch_vhost(amqp_host) as amqp_url, \
                smtp_server() as smtp:
            say("console: `tandem up` on RabbitMQ and PostgreSQL (scratch vhost and databases)")
            try:
                with tandem_up(amqp_url, postgres, smtp, Path(data), api_workers=2) as up:
                    say(f"console: web front on {up.web}; seeding {MENTEES + MENTORS} applications and {PAIRS} pairs")
                    try:
                        console = Console(up)
                        say(f"console: {clients} clients, {count} requests per page")
                        say(f"{'page':<13} {'page p50':>9} {'p95':>8} {'API p50':>9} {'p95':>8} {'ratio':>6}  target")
                        results = timed(console, ("review",), count, clients)  # its 900 proposals still open
                        console.approve()
                        results |= timed(console, tuple(name for name in PAGES if name != "review"), count, clients)
                        results = {name: results[name] for name in PAGES}
                        logged = problems(up.log)
                    except Exception:
                        say("console: what `tandem up` logged last at warning or above:")
                        for line in problems(up.log):
                            say(f"  {line}")
                        raise
            except BaseException as stopped:  # tests/integration/up.py fails with pytest's outcome, not an Exception
                if isinstance(stopped, Exception | KeyboardInterrupt):
                    raise
                raise RuntimeError(f"`tandem up` did not run: {stopped}") from None
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if any("failed" in r for r in results.values()):
        say("console: what `tandem up` logged last at warning or above:")
        for line in logged:
            say(f"  {line}")
    return {"applications": MENTEES + MENTORS, "pairs": PAIRS, "requests": count, "pages": results,
            "target": f"page p95 <= {P95_MS:g} ms and page p50 <= {FACTOR} x API p50 + {ALLOWANCE_MS:g} ms",
            "target_met": all(r["target_met"] for r in results.values())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per page (and as many API rounds)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="80 requests per page")
    args = parser.parse_args()
    if args.quick:
        args.requests = 80
    try:
        console = run(args.requests, args.clients)
    except Exception as error:  # noqa: BLE001 - the run failed: say why, exit 1
        say(f"failed: {error}")
        return 1
    say(json.dumps({"bench": "web_console", "clients": args.clients, **console}))
    return 2 if "skipped" in console else 0


if __name__ == "__main__":
    sys.exit(main())
