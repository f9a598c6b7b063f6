"""Baseline for the HTTP benchmarks: a bare Flask app whose /hello returns a short text.

Run it exactly like the real app (`gunicorn --chdir bench hello_app:app ...`) so that the ratio
real-endpoint / hello measures what Netralitas adds on top of Flask + gunicorn on this machine.
"""
from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.route("/hello")
def hello() -> tuple[str, int, dict[str, str]]:
    """A few bytes of plain text: no template, no database, no session."""
    return "Hello, Netralitas!\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
