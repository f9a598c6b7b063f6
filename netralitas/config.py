"""Application configuration read from the environment, with safe defaults for a local install."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"


def normalize_database_url(url: str) -> str:
    """Route plain postgres:// URLs (as hosting panels write them) to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_secret_key(instance_path: Path, name: str = "secret_key") -> str:
    """Return the secret from the environment (upper-cased name), else from instance/<name>, creating it once."""
    from_env = os.environ.get(name.upper())
    if from_env:
        return from_env
    key_file = instance_path / name
    if not key_file.exists():
        _create_key_file(key_file)
    return key_file.read_text().strip()


def _create_key_file(key_file: Path) -> None:
    """Write a new key atomically and owner-only; when workers starting together race, one key wins for all."""
    draft = key_file.with_name(f".{key_file.name}.{secrets.token_hex(8)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, key_file)  # atomic, and never replaces a key another worker already wrote
    except FileExistsError:
        pass
    except OSError:  # a filesystem without hard links: a plain rename, racy only at first start
        os.replace(draft, key_file)
    finally:
        draft.unlink(missing_ok=True)


#: A Redis that stops answering (host down, network cut) costs a request at most this long before the limiter
#: counts in memory instead; the OS default for a silent host is minutes. Passed only to redis:// storages.
REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def ratelimit_storage_uri() -> str:
    """Where rate-limit counters live: RATELIMIT_STORAGE_URI, else REDIS_URL, else memory:// (one count per process)."""
    return (os.environ.get("RATELIMIT_STORAGE_URI", "").strip() or os.environ.get("REDIS_URL", "").strip()
            or "memory://")


def ratelimit_storage_options(uri: str) -> dict[str, float]:
    """Connection options for the limiter's storage: the Redis timeouts, nothing for the other kinds."""
    return dict(REDIS_TIMEOUTS) if uri.startswith("redis") else {}


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for a normal run; every value can be overridden by the environment."""

    def __init__(self, instance_path: Path):
        self.SQLALCHEMY_DATABASE_URI = normalize_database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'netralitas.db'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.SECRET_KEY = load_secret_key(instance_path)
        #: Derives every personal invitation code; the database holds only their digests.
        #: Losing it means re-issuing codes; leaking it lets codes be recomputed. Back it up with the DB.
        self.INVITATION_KEY = load_secret_key(instance_path, "invitation_key")
        #: Ed25519 certificate keys (files, never in the database); back this folder up with the database.
        self.KEYS_DIR = Path(os.environ.get("NETRALITAS_KEYS_DIR") or instance_path / "keys")
        #: Printed at the top of every certificate (the issuing government).
        self.CERTIFICATE_ISSUER = os.environ.get("CERTIFICATE_ISSUER", "Pemerintah Daerah")
        #: Optional PNG/JPEG logo printed on certificates.
        self.CERTIFICATE_LOGO = os.environ.get("CERTIFICATE_LOGO", "")
        #: The printed recap's signature block (issuer and logo as on certificates); empty = dotted lines to fill in.
        self.REPORT_PLACE = os.environ.get("REPORT_PLACE", "")
        self.REPORT_SIGNATORY_TITLE = os.environ.get("REPORT_SIGNATORY_TITLE", "Kepala BKPSDM")
        self.REPORT_SIGNATORY_NAME = os.environ.get("REPORT_SIGNATORY_NAME", "")
        self.REPORT_SIGNATORY_NIP = os.environ.get("REPORT_SIGNATORY_NIP", "")
        #: Largest accepted drawn-signature PNG.
        self.SIGNATURE_MAX_BYTES = int(os.environ.get("SIGNATURE_MAX_BYTES", 150 * 1024))
        #: Failed code attempts allowed per client address: generous, since a stadium shares one address.
        self.SIGNER_FAILURES_PER_IP = os.environ.get("SIGNER_FAILURES_PER_IP", "120 per minute")
        #: Failed attempts per invitation code (guessing a birth date or attendance code for a known code).
        self.SIGNER_FAILURES_PER_CODE = os.environ.get("SIGNER_FAILURES_PER_CODE", "5 per 15 minutes")
        #: Certificate codes typed at /cek that find nothing, per client address (found ones are free). Generous: it
        #: holds back only requests without a checker id (cookies dropped); browsers are held per session instead.
        self.CERTIFICATE_LOOKUP_FAILURES_PER_IP = os.environ.get("CERTIFICATE_LOOKUP_FAILURES_PER_IP", "600 per minute")
        #: The same, per browser session (its checker id): what stops one guesser behind a shared address.
        self.CERTIFICATE_LOOKUP_FAILURES_PER_SESSION = os.environ.get("CERTIFICATE_LOOKUP_FAILURES_PER_SESSION",
                                                                     "20 per minute")
        #: The official address printed in QR codes and links; also decides cookie security and HSTS. Empty (development):
        #: links use the address of the server answering the request (`flask run --port N`), see core.urls.public_url.
        self.PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
        #: Strict-Transport-Security max-age (seconds) sent when PUBLIC_BASE_URL is https; 0 turns it off.
        self.HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", 365 * 24 * 3600))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.PUBLIC_BASE_URL.startswith("https://")
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        #: Upload cap for spreadsheets (bytes); the importer reports it in Indonesian.
        self.MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
        #: A Redis shared by every app process (empty = none); it holds the rate-limit counters.
        self.REDIS_URL = os.environ.get("REDIS_URL", "").strip()
        #: The background-job queue: empty = a SQLite file in the instance folder (one machine); redis://… to share
        #: one queue between several app servers and workers.
        self.JOBS_URL = os.environ.get("JOBS_URL", "").strip()
        #: A running job whose heartbeat (written at least every few seconds) is older than this lost its worker and is
        #: queued again; a queued job this old with no queue entry (the queue was down) is queued again.
        self.JOB_STALE_SECONDS = int(os.environ.get("JOB_STALE_SECONDS", "180"))
        #: A job whose worker died this many times fails ("coba lagi" on its page starts it afresh).
        self.JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "3"))
        #: A finished job's file may be downloaded for this many hours; the daily purge then deletes it.
        self.JOB_FILES_HOURS = int(os.environ.get("JOB_FILES_HOURS", "24"))
        #: Finished job rows (not their audit entries) are deleted after this many days.
        self.JOB_ROWS_DAYS = int(os.environ.get("JOB_ROWS_DAYS", "30"))
        #: Exports larger than this many rows (slips, certificates, status-list lines) are built as a background job;
        #: the direct download refuses them, so no request spends minutes building a file.
        self.BACKGROUND_EXPORT_ROWS = int(os.environ.get("BACKGROUND_EXPORT_ROWS", "1000"))
        #: memory:// counts per process: with several gunicorn workers each limit multiplies (gunicorn.conf.py warns).
        self.RATELIMIT_STORAGE_URI = ratelimit_storage_uri()
        self.RATELIMIT_STORAGE_OPTIONS = ratelimit_storage_options(self.RATELIMIT_STORAGE_URI)
        #: Redis down mid-run: each process counts in memory until it answers again; a venue must keep signing.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_HEADERS_ENABLED = True
        self.LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
        #: Read-only API calls per token (or per address when no token is sent).
        self.API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "60 per minute")
        #: API calls refused for a missing or bad token, per client address (token guessing).
        self.API_FAILURES_PER_IP = os.environ.get("API_FAILURES_PER_IP", "30 per minute")
        self.BABEL_DEFAULT_LOCALE = "id"
        self.BABEL_DEFAULT_TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "Asia/Jakarta")
        self.LANGUAGES = ("id", "en")
        #: Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
        self.TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
        self.WTF_CSRF_TIME_LIMIT = None  # a long event day must not expire forms at the venue
        self.PER_PAGE = 50
        #: A case's running deadline is flagged "segera jatuh tempo" this many working days before it falls due.
        self.CASE_DUE_SOON_WORKING_DAYS = int(os.environ.get("CASE_DUE_SOON_WORKING_DAYS", "3"))
        #: Largest evidence file (PDF, JPEG, PNG) accepted on a case; below MAX_UPLOAD_BYTES, which caps the request.
        self.CASE_EVIDENCE_MAX_BYTES = int(os.environ.get("CASE_EVIDENCE_MAX_BYTES", 8 * 1024 * 1024))
        # Public reports. Every POST to /lapor, accepted or refused, counts against both limits, and so does every
        # POST of more evidence (/lapor/status/bukti, its own counters): a person sends one report with a few
        # additions, a script is stopped after a handful; the address limit is generous for an office behind NAT.
        self.PUBLIC_REPORTS_PER_SESSION = os.environ.get("PUBLIC_REPORTS_PER_SESSION", "10 per hour")
        self.PUBLIC_REPORTS_PER_IP = os.environ.get("PUBLIC_REPORTS_PER_IP", "60 per hour")
        #: Receipts that cannot be right or name nothing, per browser and (without a visitor id) per address.
        self.REPORT_STATUS_FAILURES_PER_SESSION = os.environ.get("REPORT_STATUS_FAILURES_PER_SESSION",
                                                                 "10 per 15 minutes")
        self.REPORT_STATUS_FAILURES_PER_IP = os.environ.get("REPORT_STATUS_FAILURES_PER_IP", "60 per 15 minutes")
        #: Evidence files: per file (a phone photo fits), per post (the request stays under MAX_UPLOAD_BYTES for a
        #: photo or two; more go in later posts), per report in all.
        self.PUBLIC_REPORT_FILE_MAX_BYTES = int(os.environ.get("PUBLIC_REPORT_FILE_MAX_BYTES", 5 * 1024 * 1024))
        self.PUBLIC_REPORT_FILES_PER_POST = int(os.environ.get("PUBLIC_REPORT_FILES_PER_POST", "5"))
        self.PUBLIC_REPORT_MAX_FILES = int(os.environ.get("PUBLIC_REPORT_MAX_FILES", "15"))
        #: Days after a report is closed (forwarded, dismissed, or made a case) until the daily job erases what the
        #: reporter wrote and sent (UU PDP: no longer than needed); the stage and the public reason stay.
        self.PUBLIC_REPORT_RETENTION_DAYS = int(os.environ.get("PUBLIC_REPORT_RETENTION_DAYS", "365"))
        # Email reminders (SMTP). Nothing is sent while MAIL_SERVER is empty; the reminder screen says so.
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "").strip()
        #: STARTTLS on a plain connection (usually port 587); MAIL_USE_SSL is TLS from the start (usually 465).
        self.MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
        self.MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT") or (465 if self.MAIL_USE_SSL else 587 if self.MAIL_USE_TLS else 25))
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        #: Sender address ("Name <address>" allowed); MAIL_USERNAME is used when empty.
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "")
        #: Seconds to wait for the SMTP server on each step (connect, each command).
        self.MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
        #: Emails claimed and sent per SMTP connection inside a reminder job. A worker killed mid-batch leaves at most
        #: this many employees without an email that day (never with two).
        self.REMINDER_EMAIL_BATCH = int(os.environ.get("REMINDER_EMAIL_BATCH", "20"))
        #: Throttle: at most this many reminder emails a minute (0 = as fast as the server takes them).
        self.REMINDER_EMAILS_PER_MINUTE = int(os.environ.get("REMINDER_EMAILS_PER_MINUTE", "300"))
        #: Seconds to wait before each new try of emails the server refused for now (4xx, connection lost).
        self.REMINDER_RETRY_DELAYS = tuple(
            float(part) for part in os.environ.get("REMINDER_RETRY_DELAYS", "30,120,600").split(",") if part.strip())
