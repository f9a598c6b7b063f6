"""gunicorn hooks; gunicorn reads this file from the folder it starts in (the project root, as the README runs it)."""
import ipaddress
import os
import socket
from urllib.parse import urlsplit

from netralitas import InstanceFolderError, ensure_writable_folder, exit_cannot_start, instance_folder
from netralitas.config import ratelimit_storage_options, ratelimit_storage_uri

#: Where the README and docs/deploy.md install Redis.
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def on_starting(server) -> None:
    """Check the instance folder once, in the master, before any worker starts; warn about weak rate limits.

    Without the folder check each worker finds the problem itself and exits with EXIT_CANNOT_START; gunicorn then
    halts, but when two workers exit at nearly the same moment gunicorn 27 raises its halt a second time while
    stopping and ends with a traceback and exit status 1. app.py keeps the worker-side check for servers started
    elsewhere.
    """
    try:
        ensure_writable_folder(instance_folder())
    except InstanceFolderError as exc:
        if server.pidfile is not None:
            server.pidfile.unlink()
        exit_cannot_start(exc)
    warn_if_limits_are_per_process(server)
    warn_if_forwarded_addresses_can_be_forged(server)
    warn_if_public_address_is_unset(server)


def warn_if_public_address_is_unset(server) -> None:
    """Warn when PUBLIC_BASE_URL is empty: links and QR codes then follow each request's Host header.

    Fine for a developer's `flask run` on some port; under gunicorn it is production, where the printed address
    must be the official one and an https:// value is what makes cookies Secure and turns on HSTS.
    """
    if not os.environ.get("PUBLIC_BASE_URL", "").strip():
        server.log.warning("netralitas: PUBLIC_BASE_URL is not set: QR codes, emailed links and printed addresses "
                           "follow the Host of each request, and cookies are not marked Secure. Set it to the "
                           "official address, e.g. PUBLIC_BASE_URL=https://netralitas.example.go.id")


def warn_if_limits_are_per_process(server) -> None:
    """Say so when each worker would count rate limits on its own: N workers give an attacker N times the tries.

    A warning, not a refusal: a venue on one machine without Redis must still start. Nor is a Redis that happens
    to answer used without being configured: whether limits are shared would then depend on which service won the
    race at boot, and with --preload the app has already chosen its storage before this hook runs.
    """
    uri = ratelimit_storage_uri()
    workers = server.cfg.workers
    if uri.startswith("memory://"):
        if workers > 1:
            fix = (f"Redis answers at 127.0.0.1:6379: set REDIS_URL={LOCAL_REDIS}" if storage_answers(LOCAL_REDIS)
                   else f"install Redis (Debian: redis-server) and set REDIS_URL={LOCAL_REDIS}")
            server.log.warning("netralitas: rate limits are counted per worker process: with %d workers each sign-in and "
                               "invitation-code limit allows up to %d times its attempts. %s", workers, workers, fix)
    elif not storage_answers(uri):
        server.log.warning("netralitas: the rate-limit storage %s does not answer; until it does, each worker counts "
                           "rate limits on its own (the app keeps serving)", without_password(uri))


def storage_answers(uri: str) -> bool:
    """True when the limiter's storage at this URI answers a ping now."""
    from limits.storage import storage_from_string

    try:
        return bool(storage_from_string(uri, **ratelimit_storage_options(uri)).check())
    except Exception:  # a missing client library or a malformed URI: the workers will report it when they load
        return False


def without_password(uri: str) -> str:
    """The URI as it may appear in a log: scheme, host, port and path, never the password."""
    parts = urlsplit(uri)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"


def warn_if_forwarded_addresses_can_be_forged(server) -> None:
    """Warn when X-Forwarded-For is trusted on an address the whole network can reach.

    Behind a proxy every per-address rate limit keys on the address the proxy reports; a client that reaches
    gunicorn directly writes that header itself and gets a fresh address for every attempt.
    """
    try:
        trusted = int(os.environ.get("TRUSTED_PROXIES", "0"))
    except ValueError:  # the app refuses this value itself when it loads
        return
    exposed = [f"{addr[0]}:{addr[1]}" for addr in server.cfg.address if isinstance(addr, tuple) and not is_loopback(addr[0])]
    if trusted > 0 and exposed:
        server.log.warning("netralitas: TRUSTED_PROXIES=%d but gunicorn listens on %s: anyone who reaches it directly "
                           "can forge X-Forwarded-For and escape every per-address rate limit. Bind 127.0.0.1 (or a "
                           "unix socket) behind the proxy, or let a firewall admit only the proxy.",
                           trusted, ", ".join(exposed))


def is_loopback(host: str) -> bool:
    """True for a host only this machine can reach (127.0.0.0/8, ::1, a name that resolves only to those)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        resolved = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(resolved) and all(ipaddress.ip_address(ip.split("%")[0]).is_loopback for ip in resolved)
