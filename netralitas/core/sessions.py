"""Flask's signed-cookie sessions, with the cookie serializer built once instead of on every request."""
from __future__ import annotations

from flask import Flask
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
