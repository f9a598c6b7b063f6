"""CPU per request of the public report and transparency pages, in-process, next to a bare Flask hello.

Usage: .venv/bin/python bench/public_pages.py [--db sqlite|postgresql] [-n 200]

A fresh instance + seed-demo (the fictional city: ~5,000 employees in ~50 agencies, an open event, two public
reports; the completion roll-up's cost grows with agencies, not signatures). The pages are driven through Flask's
test client, timing only the application (process CPU, as bench/profile_requests.py does): the report form, a
report POST (no file), the receipt lookup, and the transparency page, its JSON and print page, cold (cache
cleared before every request) and warm (the 60 s cache). Rate limits are off so the POSTs measure the work, not
the limiter's refusal.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
import httpclient  # noqa: E402

STEPS = ("hello", "report form", "report POST", "receipt lookup", "transparency cold", "transparency warm",
         "transparency JSON warm", "transparency print warm")


class Timed:
    """WSGI wrapper: adds the process CPU of each call (response included) to the current step."""

    def __init__(self, wsgi_app):
        self.wsgi_app, self.step = wsgi_app, ""
        self.cpu: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)
        self.bytes: dict[str, int] = defaultdict(int)

    def __call__(self, environ, start_response):
        started = time.process_time()
        body = b"".join(self.wsgi_app(environ, start_response))
        self.cpu[self.step] += time.process_time() - started
        self.count[self.step] += 1
        self.bytes[self.step] += len(body)
        return [body]


def expect(response, status: int) -> None:
    if response.status_code != status:
        raise RuntimeError(f"expected {status}, got {response.status_code}: {response.get_data(as_text=True)[:300]}")


def drive(app, timed: Timed, n: int) -> None:
    from netralitas.extensions import db
    from netralitas.masterdata.models import Agency
    from netralitas.transparency import services as transparency

    with app.app_context():
        government = db.session.scalar(db.select(Agency).where(Agency.parent_id.is_(None)))
        code, government_id = government.code, government.id
    public = app.test_client()
    timed.step = "report form"
    for _ in range(n):
        page = public.get("/lapor")
        expect(page, 200)
    token = httpclient.csrf_token(page.data)
    form = {"csrf_token": token, "government_id": str(government_id), "subject_name": "Pak Camat",
            "topic": "kampanye", "description": "Hadir dan berpidato di acara kampanye pasangan calon di lapangan."}
    timed.step = "report POST"
    for _ in range(n):
        expect(public.post("/lapor", data=form), 302)
    receipt = re.search(rb'id="receipt">([^<]+)<', public.get("/lapor/terima").data).group(1).decode()
    timed.step = "receipt lookup"
    for _ in range(n):
        expect(public.post("/lapor/status", data={"csrf_token": token, "receipt": receipt}), 200)
    visitor = app.test_client()
    for step, url in (("transparency cold", f"/transparansi/{code}"), ("transparency warm", f"/transparansi/{code}"),
                      ("transparency JSON warm", f"/transparansi/{code}.json"),
                      ("transparency print warm", f"/transparansi/{code}/cetak")):
        timed.step = ""
        expect(visitor.get(url), 200)  # warms the cache (and the templates) before a warm step
        timed.step = step
        for _ in range(n if "warm" in step else max(5, n // 10)):
            if step.endswith("cold"):
                with app.app_context():
                    transparency.forget_figures()
            expect(visitor.get(url), 200)


def drive_hello(timed: Timed, hello, n: int) -> None:
    client = hello.test_client()
    timed.step = "hello"
    for _ in range(n):
        expect(client.get("/hello"), 200)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-database", default="netralitas_bench_public")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    os.environ["RATELIMIT_ENABLED"] = "false"
    instance = benchlib.prepare_instance(args.db, args.pg_database)
    try:
        app = benchlib.app_for(instance)
        timed = Timed(app.wsgi_app)
        app.wsgi_app = timed
        from hello_app import app as hello

        hello_timed = Timed(hello.wsgi_app)
        hello.wsgi_app = hello_timed
        drive_hello(hello_timed, hello, args.n)
        drive(app, timed, args.n)
        timed.cpu["hello"], timed.count["hello"] = hello_timed.cpu["hello"], hello_timed.count["hello"]
        timed.bytes["hello"] = hello_timed.bytes["hello"]
        hello_ms = 1000 * timed.cpu["hello"] / timed.count["hello"]
        print(f"\n{'step':<26}{'requests':>9}{'CPU ms/req':>12}{'x hello':>9}{'KB/resp':>9}")
        for step in STEPS:
            if timed.count[step]:
                ms = 1000 * timed.cpu[step] / timed.count[step]
                kb = timed.bytes[step] / timed.count[step] / 1024
                print(f"{step:<26}{timed.count[step]:>9}{ms:>12.2f}{ms / hello_ms:>9.1f}{kb:>9.1f}")
    finally:
        if not args.keep:
            instance.remove()


if __name__ == "__main__":
    main()
