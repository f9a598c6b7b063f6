"""The floor of a signature POST: the work a signature must do, in bare Flask with the sqlite3 module and no layers.

Not part of the product. bench/side_by_side.py runs it under the same gunicorn settings as the app and
bench/hello_app.py and posts the same bodies (CSRF token, ticked points, typed name, ~10 KB signature PNG) to
show how close to hello *any* Flask implementation of this request can get on this machine. Per request:

  parse the urlencoded form; open the signed session cookie; check the CSRF token (a timed HMAC, compared with
  the session's); the points, the name and the PNG (Pillow open + verify); then in one SQLite transaction:
  one SELECT of the facts (employee, invitation, event window, text, existing signature), INSERT signature,
  an Ed25519 JWS (PyJWT) and INSERT certificate, lock the audit tip (UPDATE ... RETURNING), SHA-256 of the
  entry, INSERT audit entry, UPDATE tip, COMMIT (WAL, synchronous=NORMAL, foreign keys on, as the app);
  302 to the confirmation page.

What it leaves out, and the app does: Flask-Login, Flask-WTF / WTForms, Flask-Babel, Flask-Limiter,
SQLAlchemy, the request log and security headers, the event cache, the ink check, the name rules, the
revocation and re-issue checks' messages. Schema: the same tables and indexes the write touches, trimmed
to the written columns.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import secrets
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, abort, redirect, request, session
from itsdangerous import BadData, URLSafeTimedSerializer
from PIL import Image

SECRET_KEY = "floor-bench-only"
SLUG = "floor"
CSRF_SALT = "wtf-csrf-token"
DATA_URL_PREFIX = "data:image/png;base64,"
SCHEMA = """
CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT NOT NULL, is_active INTEGER NOT NULL);
CREATE TABLE events (id INTEGER PRIMARY KEY, slug TEXT UNIQUE, name TEXT, status TEXT, opens_dt TEXT, closes_dt TEXT);
CREATE TABLE declaration_texts (id INTEGER PRIMARY KEY, event_id INTEGER REFERENCES events(id), version INTEGER,
                                sha256 TEXT, points INTEGER);
CREATE TABLE invitations (id INTEGER PRIMARY KEY, event_id INTEGER REFERENCES events(id),
                          employee_id INTEGER REFERENCES employees(id), revoked_dt TEXT);
CREATE TABLE signatures (id INTEGER PRIMARY KEY, event_id INTEGER REFERENCES events(id),
                         employee_id INTEGER REFERENCES employees(id), invitation_id INTEGER REFERENCES invitations(id),
                         text_id INTEGER REFERENCES declaration_texts(id), text_sha256 TEXT, typed_name TEXT,
                         signature_png BLOB, is_attended INTEGER, signed_dt TEXT, client_ip TEXT, user_agent TEXT,
                         revoked_dt TEXT);
CREATE UNIQUE INDEX uq_signatures_live ON signatures (event_id, employee_id) WHERE revoked_dt IS NULL;
CREATE INDEX ix_signatures_event_signed ON signatures (event_id, signed_dt);
CREATE INDEX ix_signatures_employee_id ON signatures (employee_id);
CREATE TABLE certificates (id INTEGER PRIMARY KEY, signature_id INTEGER UNIQUE REFERENCES signatures(id),
                           code TEXT UNIQUE, kid TEXT, issued_dt TEXT, token TEXT);
CREATE TABLE audit_entries (id INTEGER PRIMARY KEY, seq INTEGER UNIQUE, created_dt TEXT, actor_label TEXT,
                            action TEXT, target_type TEXT, target_id TEXT, summary TEXT, data_json TEXT,
                            prev_hash TEXT, entry_hash TEXT);
CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq INTEGER, entry_hash TEXT);
"""
FACTS = """
SELECT e.name AS employee_name, e.is_active, i.revoked_dt, ev.status, ev.opens_dt, ev.closes_dt,
       ev.slug AS event_slug, ev.name AS event_name, t.id AS text_id, t.version AS text_version,
       t.sha256 AS text_sha256, t.points,
       (SELECT s.id FROM signatures s WHERE s.event_id = ev.id AND s.employee_id = e.id AND s.revoked_dt IS NULL)
       AS signature_id
FROM invitations i JOIN employees e ON e.id = i.employee_id JOIN events ev ON ev.id = i.event_id
JOIN declaration_texts t ON t.event_id = ev.id
 AND t.version = (SELECT max(version) FROM declaration_texts WHERE event_id = ev.id)
WHERE i.id = ? AND i.event_id = ? AND i.employee_id = ?
"""

app = Flask(__name__)
app.secret_key = SECRET_KEY
_signing_key = Ed25519PrivateKey.generate()
_connection: sqlite3.Connection | None = None


def connect(path: str) -> sqlite3.Connection:
    """A connection with the app's SQLite settings; transactions are begun and ended explicitly."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    for pragma in ("journal_mode=WAL", "busy_timeout=10000", "foreign_keys=ON", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


def database() -> sqlite3.Connection:
    global _connection
    if _connection is None:  # one per worker process, opened after gunicorn forks
        _connection = connect(os.environ["FLOOR_DB"])
    return _connection


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


@app.post(f"/e/{SLUG}/deklarasi")
def declare():
    signer = session.get("signer")
    if not signer or time.time() - signer["since"] > 1800:
        abort(403)
    try:
        token = URLSafeTimedSerializer(SECRET_KEY, salt=CSRF_SALT).loads(request.form.get("csrf_token", ""),
                                                                         max_age=3600)
    except BadData:
        abort(400)
    if not hmac.compare_digest(token, session.get("csrf", "")):
        abort(400)
    ticked = {int(v) for v in request.form.getlist("point") if v.isdigit()}
    typed_name = " ".join(request.form.get("typed_name", "").split())
    data = request.form.get("signature", "")
    if not typed_name or not data.startswith(DATA_URL_PREFIX):
        abort(422)
    png = base64.b64decode(data[len(DATA_URL_PREFIX):], validate=True)
    with Image.open(io.BytesIO(png)) as probe:
        kind, size = probe.format, probe.size
        probe.verify()
    if kind != "PNG" or len(png) > 200_000 or max(size) > 2000 or min(size) < 20:
        abort(422)
    now = datetime.now(UTC)
    db = database()
    # The read runs before the write transaction, as the app's does on SQLite (pysqlite begins at the first
    # write); the unique index decides a race.
    facts = db.execute(FACTS, (signer["invitation_id"], signer["event_id"], signer["employee_id"])).fetchone()
    if facts is None:
        abort(422)
    if facts["signature_id"] is None:  # not signed yet
        if (not facts["is_active"] or facts["revoked_dt"] or facts["status"] != "open"
                or not facts["opens_dt"] <= _utc(now) < facts["closes_dt"]
                or ticked != set(range(1, facts["points"] + 1))
                or typed_name.lower() != facts["employee_name"].lower()):
            abort(422)
        db.execute("BEGIN")
        try:
            _write(db, signer, facts, typed_name, png, now)
        except Exception:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return redirect(f"/e/{SLUG}/selesai")


def _write(db: sqlite3.Connection, signer: dict, facts: sqlite3.Row, typed_name: str, png: bytes,
           now: datetime) -> None:
    signature_id = db.execute(
        "INSERT INTO signatures (event_id, employee_id, invitation_id, text_id, text_sha256, typed_name, "
        "signature_png, is_attended, signed_dt, client_ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        (signer["event_id"], signer["employee_id"], signer["invitation_id"], facts["text_id"], facts["text_sha256"],
         typed_name, png, 0, _utc(now), request.remote_addr, request.user_agent.string[:300])).fetchone()[0]
    code = "N" + secrets.token_hex(6).upper()
    issued = now.replace(microsecond=0)
    token = jwt.encode({"c": code, "iat": int(issued.timestamp())}, _signing_key, algorithm="EdDSA",
                       headers={"kid": "floor"})
    db.execute("INSERT INTO certificates (signature_id, code, kid, issued_dt, token) VALUES (?, ?, ?, ?, ?)",
               (signature_id, code, "floor", _utc(issued), token))
    seq, prev_hash = db.execute("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, entry_hash").fetchone()
    data_json = json.dumps({"event": facts["event_slug"], "text_version": facts["text_version"],
                            "text_sha256": facts["text_sha256"], "attended": False, "certificate": code,
                            "kid": "floor"}, sort_keys=True, separators=(",", ":"))
    entry = [prev_hash, seq + 1, _utc(now), None, f"signer:{signer['employee_id']}", "signature.create",
             "signature", str(signature_id), f"{facts['employee_name']} menandatangani {facts['event_name']}", data_json]
    entry_hash = hashlib.sha256(json.dumps(entry, ensure_ascii=False).encode()).hexdigest()
    db.execute("INSERT INTO audit_entries (seq, created_dt, actor_label, action, target_type, target_id, summary, "
               "data_json, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (seq + 1, entry[2], entry[4], entry[5], entry[6], entry[7], entry[8], data_json, prev_hash, entry_hash))
    db.execute("UPDATE audit_head SET seq = ?, entry_hash = ? WHERE id = 1", (seq + 1, entry_hash))


def prepare(path: str, names: list[str], points: int) -> list[tuple[str, str]]:
    """Create the database for len(names) signers; return each one's (Cookie header, CSRF token)."""
    db = connect(path)
    db.executescript(SCHEMA)
    now = datetime.now(UTC)
    db.execute("BEGIN")
    db.execute("INSERT INTO events VALUES (1, ?, 'Deklarasi (floor)', 'open', ?, ?)",
               (SLUG, _utc(now - timedelta(hours=1)), _utc(now + timedelta(hours=6))))
    db.execute("INSERT INTO declaration_texts VALUES (1, 1, 1, ?, ?)", ("0" * 64, points))
    db.executemany("INSERT INTO employees VALUES (?, ?, 1)", list(enumerate(names, start=1)))
    db.executemany("INSERT INTO invitations VALUES (?, 1, ?, NULL)", [(i, i) for i in range(1, len(names) + 1)])
    db.execute("INSERT INTO audit_head VALUES (1, 0, ?)", ("0" * 64,))
    db.execute("COMMIT")
    db.close()
    cookies = app.session_interface.get_signing_serializer(app)
    tokens = URLSafeTimedSerializer(SECRET_KEY, salt=CSRF_SALT)
    sessions = []
    for employee_id in range(1, len(names) + 1):
        raw = secrets.token_hex(20)
        signer = {"invitation_id": employee_id, "event_id": 1, "employee_id": employee_id, "since": int(time.time())}
        cookie = cookies.dumps({"csrf": raw, "signer": signer})
        sessions.append((f"{app.config['SESSION_COOKIE_NAME']}={cookie}", tokens.dumps(raw)))
    return sessions


def counts(path: str) -> tuple[int, int, int]:
    """(signatures, certificates, audit entries) written so far."""
    db = connect(path)
    try:
        return tuple(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[return-value]
                     for table in ("signatures", "certificates", "audit_entries"))
    finally:
        db.close()
