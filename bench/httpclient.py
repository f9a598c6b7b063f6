"""The benchmarks' client side: a drawn signature PNG, CSRF tokens, and a small cookie-keeping HTTP client."""
from __future__ import annotations

import base64
import html
import http.client
import io
import random
import re
from urllib.parse import urlencode

DEMO_PASSWORD = "demo-netralitas"
OPERATOR_EMAIL = "operator@mekarsari.example.id"
#: One User-Agent for every benchmark client (Flask-Login's session protection hashes it).
USER_AGENT = "netralitas-bench/1"
CSRF_PATTERN = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


def signature_png(min_bytes: int = 2000, seed: int = 7, width: int = 600, height: int = 200) -> bytes:
    """A drawn-looking signature (random-walk strokes on a transparent canvas) of at least min_bytes."""
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    while True:
        x, y = rnd.uniform(20, width - 20), rnd.uniform(30, height - 30)
        points = [(x, y)]
        for _ in range(40):
            x = min(max(x + rnd.uniform(-12, 14), 5), width - 5)
            y = min(max(y + rnd.uniform(-15, 15), 5), height - 5)
            points.append((x, y))
        draw.line(points, fill=(10, 20, 80, 255), width=3, joint="curve")
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        if buffer.tell() >= min_bytes:
            return buffer.getvalue()


def data_url(png: bytes) -> str:
    """The PNG as the browser's canvas.toDataURL() sends it."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


def csrf_token(page: bytes) -> str:
    """The CSRF token of the first form of a page."""
    match = CSRF_PATTERN.search(page)
    if not match:
        raise ValueError("no csrf_token in page")
    return match.group(1).decode()


class Browser:
    """One keep-alive connection plus a cookie jar; reconnects by itself when the server closes."""

    def __init__(self, port: int, timeout: float = 60):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies: dict[str, str] = {}
        self.reconnects = 0

    def send(self, method: str, path: str, fields: dict | list | None = None) -> tuple[int, str, bytes]:
        """One request; returns (status, Location header or '', body)."""
        try:
            self.begin(method, path, fields)
            return self.finish()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # A keep-alive connection the server closed while idle: what every browser retries.
            self.reconnects += 1
            self.connection.close()
            self.begin(method, path, fields)
            return self.finish()

    def begin(self, method: str, path: str, fields: dict | list | None = None) -> None:
        """Send a request without waiting for the answer (see finish)."""
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body, headers)

    def finish(self) -> tuple[int, str, bytes]:
        """Read the answer to the request sent by begin(); store its cookies."""
        response = self.connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                self._store_cookie(value)
        return response.status, response.getheader("Location") or "", data

    def _store_cookie(self, header: str) -> None:
        name, _, value = header.split(";", 1)[0].partition("=")
        if value and "expires=thu, 01 jan 1970" not in header.lower():
            self.cookies[name.strip()] = value.strip()
        else:
            self.cookies.pop(name.strip(), None)

    def new_identity(self) -> None:
        """Forget the cookies: the next request is another person's phone (same connection)."""
        self.cookies.clear()

    def close(self) -> None:
        self.connection.close()


def login(port: int, email: str = OPERATOR_EMAIL, password: str = DEMO_PASSWORD) -> Browser:
    """A browser logged in as a staff member."""
    browser = Browser(port)
    status, _, page = browser.send("GET", "/masuk")
    status, location, _ = browser.send("POST", "/masuk", {"csrf_token": csrf_token(page), "email": email,
                                                          "password": password})
    if status != 302:
        raise RuntimeError(f"login as {email} failed: HTTP {status}")
    return browser


def board_source(page: bytes) -> str:
    """The URL the board page polls (its data-source, with the board key), as board.js reads it."""
    match = re.search(rb'data-source="([^"]+)"', page)
    if match is None:
        raise RuntimeError("no data-source on the board page")
    return html.unescape(match.group(1).decode())


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 when empty)."""
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]
