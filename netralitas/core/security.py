"""HTTP security headers on every response, and refusal of request bodies the HTML forms are not made for."""
from flask import abort, request

#: No inline scripts or styles; everything is served from this origin (the venue may have no internet).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


#: Added to every response whose view did not set the header itself (lower-case name -> header).
SECURITY_HEADERS = (
    ("content-security-policy", ("Content-Security-Policy", CONTENT_SECURITY_POLICY)),
    ("x-frame-options", ("X-Frame-Options", "DENY")),
    ("x-content-type-options", ("X-Content-Type-Options", "nosniff")),
    ("referrer-policy", ("Referrer-Policy", "same-origin")),
    ("permissions-policy", ("Permissions-Policy", "camera=(), microphone=(), geolocation=()")),
)
#: HTML pages may show personal data: kept out of shared caches unless the view decided otherwise.
HTML_CACHE_CONTROL = ("Cache-Control", "no-store")


def with_security_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The response's WSGI headers plus CSP, anti-framing, no-sniff and referrer headers it does not set itself."""
    present = {name.lower(): value for name, value in headers}
    headers.extend(header for name, header in SECURITY_HEADERS if name not in present)
    if "cache-control" not in present and present.get("content-type", "").startswith("text/html"):
        headers.append(HTML_CACHE_CONTROL)
    return headers


class SecurityHeaders:
    """WSGI middleware for with_security_headers: on every response, Flask's or not (errors, static files).

    Done on the WSGI header list rather than in an after_request hook: the same headers for a fraction of the
    cost, on paths that answer thousands of times a minute (the board, the verify page).
    """

    def __init__(self, wsgi_app, extra_headers: tuple[tuple[str, str], ...] = ()):
        self.wsgi_app = wsgi_app
        #: Deployment-dependent headers (HSTS behind https), added unless the response set them.
        self.extra_headers = tuple((name.lower(), (name, value)) for name, value in extra_headers)

    def __call__(self, environ, start_response):
        def start_with_headers(status, headers, exc_info=None):
            headers = with_security_headers(headers)
            if self.extra_headers:
                present = {name.lower() for name, _ in headers}
                headers.extend(header for name, header in self.extra_headers if name not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)


def hsts_headers(public_base_url: str, max_age: int) -> tuple[tuple[str, str], ...]:
    """Strict-Transport-Security when the official address is https and max_age > 0, else nothing.

    Sent by the app itself, so a proxy that forgets it still leaves browsers refusing plain http next time
    (a venue Wi-Fi that rewrites http cannot then strip TLS from the verify page or the sign-in).
    """
    if max_age <= 0 or not public_base_url.startswith("https://"):
        return ()
    return (("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains"),)


def refuse_json_form_posts() -> None:
    """Answer 400 to a JSON body sent to the app's forms, which are HTML forms only.

    Flask-WTF reads a JSON body as form data when the form part is empty, so a field could arrive as a number, a
    list or an object where the views expect text, and the request would end in a server error.
    """
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.is_json:
        abort(400)


def refuse_nul_characters() -> None:
    """Answer 400 to a NUL character in the query string or a form field.

    No browser sends one and no field may hold one: PostgreSQL refuses it in text, SQLite would store it (and
    spreadsheet exports cannot write it). A NUL in the path meets the DataError handler instead.
    """
    texts = [*request.args.keys(), *(v for _, vs in request.args.lists() for v in vs)]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        texts += [*request.form.keys(), *(v for _, vs in request.form.lists() for v in vs)]
    if any("\x00" in text for text in texts):
        abort(400)
