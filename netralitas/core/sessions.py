"""Flask's signed-cookie sessions (the cookie serializer built once instead of on every request), and the visitor id
public forms count their rate limits against."""
from __future__ import annotations

import secrets

from flask import Flask, g, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessions(SecureCookieSessionInterface):
    """The stock session interface; Flask builds a new serializer to open and again to save every session.

    The serializer depends only on the secret keys, so it is kept per (key, fallback keys) and rebuilt when they
    change (tests and key rotation set them on the app).
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            if len(self._serializers) > 8:  # keys changed many times (tests): start over
                self._serializers.clear()
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer


#: Session key of the visitor id ("checker": /cek introduced it; the name is kept so cookies already out stay valid).
VISITOR_KEY = "checker"


def visitor() -> tuple[str, bool]:
    """(this browser's random visitor id, whether the request brought it); minted once per request when missing.

    Public forms (/cek, /lapor) limit each browser by this id, so one device's guesses or junk do not lock out the
    other phones on the same Wi-Fi; requests that drop their cookies are limited by address instead.
    """
    if "visitor" not in g:
        visitor_id = session.get(VISITOR_KEY)
        brought = isinstance(visitor_id, str)
        if not brought:
            visitor_id = session[VISITOR_KEY] = secrets.token_urlsafe(16)
        g.visitor = (visitor_id, brought)
    return g.visitor
