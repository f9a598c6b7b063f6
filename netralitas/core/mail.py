"""Plain-text email over SMTP with the standard library: settings from config, one connection per batch, a time budget."""
from __future__ import annotations

import enum
import logging
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

log = logging.getLogger(__name__)


class MailProblem(enum.StrEnum):
    """Why email cannot be sent with the current settings."""

    NO_SERVER = "no_server"
    NO_SENDER = "no_sender"


@dataclass(frozen=True)
class MailSettings:
    """The MAIL_* settings of the app."""

    server: str
    port: int
    username: str
    password: str
    use_tls: bool
    use_ssl: bool
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping) -> MailSettings:
        return cls(server=config.get("MAIL_SERVER") or "", port=int(config.get("MAIL_PORT") or 25),
                   username=config.get("MAIL_USERNAME") or "", password=config.get("MAIL_PASSWORD") or "",
                   use_tls=bool(config.get("MAIL_USE_TLS")), use_ssl=bool(config.get("MAIL_USE_SSL")),
                   sender=config.get("MAIL_FROM") or config.get("MAIL_USERNAME") or "",
                   timeout=float(config.get("MAIL_TIMEOUT") or 10))

    @property
    def problem(self) -> MailProblem | None:
        """None when email can be sent; else what is missing."""
        if not self.server:
            return MailProblem.NO_SERVER
        if "@" not in parseaddr(self.sender)[1]:
            return MailProblem.NO_SENDER
        return None


def plain_message(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    """A UTF-8 plain-text message; line breaks in the subject (from user-typed names) become spaces."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = Address(addr_spec=to.strip())  # refuses an address that is not one (e.g. with a line break)
    message["Subject"] = " ".join(subject.split())
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=parseaddr(settings.sender)[1].rpartition("@")[2] or None)
    message.set_content(body)
    return message


#: A dot-atom address (RFC 5322 without quoted local parts or IP literals): what employee records hold in practice.
#: A regular expression, not email.headerregistry: a whole event's list is checked at once (30 µs vs 1 µs each).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")


def plain_address(text: str | None) -> str | None:
    """The address when it is exactly one plain address ('nama@instansi.go.id'), else None."""
    candidate = (text or "").strip()
    if len(candidate) > 254 or not _PLAIN_ADDRESS.fullmatch(candidate):
        return None
    return candidate


class Delivery(enum.StrEnum):
    """What happened to one message of a batch."""

    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """One message's delivery and, when it failed, the server's answer or the error.

    temporary: the failure may pass (a 4xx answer, a connection that could not be made or was lost), so the message
    is worth trying again later; a 5xx answer is final.
    """

    delivery: Delivery
    error: str = ""
    temporary: bool = False


@dataclass(frozen=True)
class BatchResult:
    """Outcomes in the order of the messages; connection_error is set when the server could not be used at all."""

    outcomes: list[Outcome]
    connection_error: str = ""


def send_batch(settings: MailSettings, messages: Sequence[EmailMessage], *, interval: float = 0.0,
               sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> BatchResult:
    """Send messages over one SMTP connection, starting one at most every `interval` seconds (a throttle).

    A refused recipient fails that message only; a lost connection fails it and every later one (temporarily).
    """
    if not messages:
        return BatchResult([])
    try:
        connection = _connect(settings)
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("SMTP connection to %s:%s failed: %s", settings.server, settings.port, _describe(exc))
        failed = Outcome(Delivery.FAILED, _describe(exc), _is_temporary(exc))
        return BatchResult([failed] * len(messages), _describe(exc))
    outcomes: list[Outcome] = []
    next_start = clock()
    try:
        for index, message in enumerate(messages):
            wait = next_start - clock()
            if wait > 0:
                sleep(wait)
            next_start = max(next_start, clock()) + interval
            try:
                connection.send_message(message)
                outcomes.append(Outcome(Delivery.SENT))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
                    smtplib.SMTPNotSupportedError) as exc:  # this message only (SMTPUTF8 missing for it, say)
                outcomes.append(Outcome(Delivery.FAILED, _describe(exc), _is_temporary(exc)))
            except (smtplib.SMTPException, OSError) as exc:  # the connection is gone: nothing later can go
                error = _describe(exc)
                log.warning("SMTP connection to %s lost: %s", settings.server, error)
                outcomes += [Outcome(Delivery.FAILED, error, temporary=True)] * (len(messages) - index)
                return BatchResult(outcomes, error)
    finally:
        _close(connection)
    return BatchResult(outcomes)


def _connect(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.use_ssl:
        connection: smtplib.SMTP = smtplib.SMTP_SSL(settings.server, settings.port, timeout=settings.timeout,
                                                    context=context)
    else:
        connection = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    try:
        if settings.use_tls and not settings.use_ssl:
            connection.starttls(context=context)
        if settings.username:
            connection.login(settings.username, settings.password)
    except BaseException:
        _close(connection)
        raise
    return connection


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()


def _describe(exc: BaseException) -> str:
    """A short, password-free description for the screen and the audit log."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(exc.recipients.values()), (0, b""))
        return f"{code} {_text(answer)}".strip()
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}".strip()
    return f"{exc.__class__.__name__}: {exc}"[:300]


def _is_temporary(exc: BaseException) -> bool:
    """A 4xx answer or no answer at all (network) may pass; a 5xx answer, a refused login or TLS failure will not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _answer in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, ssl.SSLError | smtplib.SMTPNotSupportedError):
        return False
    return isinstance(exc, OSError | smtplib.SMTPServerDisconnected)


def _text(answer: bytes | str) -> str:
    return (answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer))[:300]
