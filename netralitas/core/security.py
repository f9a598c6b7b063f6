"""HTTP security headers on every response, and refusal of request bodies the HTML forms are not made for."""
from flask import Response, abort, request

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


def apply_security_headers(response: Response) -> Response:
    """Add CSP, anti-framing, no-sniff and referrer headers unless a view set its own."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if response.mimetype == "text/html":
        # Pages may show personal data: keep them out of shared caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


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
