"""Configuration from the environment, in one place; the defaults run the embedded mode."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = ("intake", "matching", "scheduling", "notify")
DEFAULT_PORTS = {"intake": 8001, "matching": 8002, "scheduling": 8003, "notify": 8004}


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def data_dir() -> Path:
    path = Path(_env("TANDEM_DATA_DIR", "data"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def signing_key() -> str:
    """The key that signs bearer tokens. Embedded mode generates one and keeps it in the data dir."""
    key = _env("TANDEM_SIGNING_KEY")
    if key:
        return key
    key_file = data_dir() / "signing.key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


@dataclass(frozen=True)
class Settings:
    """Everything a service process needs to know about its surroundings."""

    service: str
    database_url: str
    amqp_url: str
    signing_key: str
    exchange: str = "tandem.events"
    dead_letter_exchange: str = "tandem.dlx"
    delivery_limit: int = 5
    prefetch: int = 500
    relay_batch: int = 500
    relay_interval: float = 0.2
    token_ttl: int = 8 * 3600
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "Tandem <no-reply@tandem.example.org>"
    public_url: str = "http://127.0.0.1:8000"
    web_url: str = "http://127.0.0.1:8000"  # the web front people open from their e-mail
    public_rate_limit: str = "30 per minute"
    rate_limit_storage: str = "memory://"
    rate_limit_prefix: str = "tandem"
    trusted_proxies: int = 0
    max_body: int = 256 * 1024
    max_staff_body: int = 2 * 1024 * 1024
    audit_retention_days: int = 730  # how long the audit log keeps a row
    data_dir: Path = field(default_factory=lambda: Path("data"))

    @property
    def embedded(self) -> bool:
        return self.amqp_url.startswith("memory://")

    @property
    def queue(self) -> str:
        return f"{self.service}.events"


def public_url_serving(host: str, port: int) -> str:
    """Where people reach what this process serves: ``TANDEM_PUBLIC_URL`` when it is set, else the
    address and port it listens on, so that links in e-mail lead back to it."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"  # listening everywhere: loopback at least reaches it
    elif ":" in host:
        host = f"[{host}]"
    return (_env("TANDEM_PUBLIC_URL") or f"http://{host}:{port}").rstrip("/")


def settings_for(service: str, **overrides) -> Settings:
    """Read one service's settings: `<SERVICE>_DATABASE_URL`, then `DATABASE_URL` as a template
    (``{service}`` is replaced), then a SQLite file in the data directory."""
    prefix = service.upper()
    data = data_dir()
    db = _env(f"{prefix}_DATABASE_URL")
    if not db:
        template = _env("DATABASE_URL")
        db = template.format(service=service) if template else f"sqlite:///{data / service}.db"
    values = dict(
        service=service,
        database_url=db,
        amqp_url=_env("AMQP_URL", "memory://"),
        signing_key=overrides.get("signing_key") or signing_key(),
        delivery_limit=int(_env("TANDEM_DELIVERY_LIMIT", "5")),
        prefetch=int(_env("TANDEM_PREFETCH", "500")),
        relay_batch=int(_env("TANDEM_RELAY_BATCH", "500")),
        relay_interval=float(_env("TANDEM_RELAY_INTERVAL", "0.2")),
        token_ttl=int(_env("TANDEM_TOKEN_TTL", str(8 * 3600))),
        smtp_host=_env("SMTP_HOST"),
        smtp_port=int(_env("SMTP_PORT", "25")),
        smtp_starttls=_env("SMTP_STARTTLS", "false").lower() in ("1", "true", "yes"),
        smtp_user=_env("SMTP_USER"),
        smtp_password=_env("SMTP_PASSWORD"),
        mail_from=_env("MAIL_FROM", "Tandem <no-reply@tandem.example.org>"),
        public_url=_env("TANDEM_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        public_rate_limit=_env("TANDEM_PUBLIC_RATE_LIMIT", "30 per minute"),
        # shared counters (redis://...) so a limit holds across workers and replicas
        rate_limit_storage=_env("RATELIMIT_STORAGE_URI", "memory://"),
        rate_limit_prefix=_env("RATELIMIT_KEY_PREFIX", "tandem"),
        # how many proxies in front of the API may say who the client is (X-Forwarded-For)
        trusted_proxies=int(_env("TANDEM_TRUSTED_PROXIES", "0")),
        max_body=int(_env("TANDEM_MAX_BODY", str(256 * 1024))),
        max_staff_body=int(_env("TANDEM_MAX_STAFF_BODY", str(2 * 1024 * 1024))),
        audit_retention_days=int(_env("TANDEM_AUDIT_RETENTION_DAYS", "730")),
        data_dir=data,
    )
    values.update(overrides)
    # the web front is served beside the APIs unless told otherwise, so it follows the public URL
    values["web_url"] = (overrides.get("web_url") or _env("TANDEM_WEB_URL") or values["public_url"]).rstrip("/")
    return Settings(**values)
