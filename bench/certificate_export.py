"""Benchmark certificate PDFs and the streamed ZIP: N signed certificates on a fresh SQLite file (or DATABASE_URL).

Usage: .venv/bin/python bench/certificate_export.py [--certificates 1000] [--out /tmp/sertifikat.zip]
Prints milliseconds per certificate PDF, seconds for the whole ZIP (and per 1,000), its size and peak RSS.
"""
from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

AGENCIES = 20
NAMES = ("Ni Luh Putu Ayu Wédari", "Nur'aini Çelik", "Dr. H. Muhammad Rizky Pratama Wicaksono, S.Kom., M.T.",
         "Siti Rahayu")


def signature_png(i: int) -> bytes:
    """A drawn-looking signature that differs per signer (as real ones do: their size varies the PDF's)."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    points = [(20 + k * 70, 40 + ((i * 37 + k * 53) % 120)) for k in range(9)]
    ImageDraw.Draw(image).line(points, fill=(10, 20, 80, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def seed(count: int) -> int:
    """Agencies, employees, an event, invitations, signatures and their certificates; returns the event id."""
    from netralitas.certificates.services import issue_certificate
    from netralitas.core.identity import make_nip_pns
    from netralitas.db import utcnow
    from netralitas.events import services as events
    from netralitas.events.models import ElectionKind, Invitation
    from netralitas.extensions import db
    from netralitas.invitations.services import ensure_invitations
    from netralitas.masterdata.models import AgencyKind, Category, Employee
    from netralitas.masterdata.services import create_agency
    from netralitas.signing.models import Signature

    root = create_agency("bench", code="KOTA", name="Pemerintah Kota Bench", kind=AgencyKind.PEMERINTAH, parent=None)
    units = [create_agency("bench", code=f"KOTA.OPD{n:02d}", name=f"Dinas Bench {n}", kind=AgencyKind.DINAS,
                           parent=root) for n in range(AGENCIES)]
    event = events.create_event("bench", name="Deklarasi Netralitas ASN Pilkada Bench 2024", slug="bench",
                                election_kind=ElectionKind.PILKADA, opens_dt=utcnow() - timedelta(hours=1),
                                closes_dt=utcnow() + timedelta(days=1))
    db.session.flush()
    db.session.execute(sa.insert(Employee), [
        {"name": f"{NAMES[i % len(NAMES)]} {i}", "name_search": f"{NAMES[i % len(NAMES)]} {i}".lower(),
         "category": Category.PNS, "nip": make_nip_pns(date(1960, 1, 1) + timedelta(days=i % 7000), 2000, 1, "L",
                                                        i // 7000 + 1),
         "agency_id": units[i % AGENCIES].id} for i in range(count)])
    ids = list(db.session.scalars(sa.select(Employee.id).order_by(Employee.id)))
    ensure_invitations(event, ids)
    invitations = dict(db.session.execute(sa.select(Invitation.employee_id, Invitation.id)).all())
    text = event.current_text
    for i, employee_id in enumerate(ids):
        signature = Signature(event_id=event.id, employee_id=employee_id, invitation_id=invitations[employee_id],
                              text_id=text.id, text_sha256=text.sha256, typed_name=NAMES[i % len(NAMES)],
                              signature_png=signature_png(i), is_attended=i % 3 != 0, client_ip="10.0.0.1",
                              user_agent="bench")
        db.session.add(signature)
        db.session.flush()
        issue_certificate(signature.id)
    db.session.commit()
    return event.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="netralitas-bench-")
    os.environ["NETRALITAS_INSTANCE"] = instance

    from netralitas import create_app
    from netralitas.certificates import exports
    from netralitas.certificates.keys import generate_key
    from netralitas.certificates.models import Certificate
    from netralitas.certificates.pdf import certificate_pdf
    from netralitas.events.rules import Audience, SigningRule
    from netralitas.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or f"sqlite:///{instance}/bench.db",
                      "PUBLIC_BASE_URL": "https://netralitas.kotabench.go.id"})
    generate_key(app.config["KEYS_DIR"])
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        event_id = seed(args.certificates)
        print(f"seeded {args.certificates} certificates in {time.perf_counter() - started:.1f} s")
        sample = list(db.session.scalars(sa.select(Certificate).limit(200)))
        certificate_pdf(sample[0])  # fonts are prepared once per process
        started, cpu = time.perf_counter(), time.process_time()
        sizes = [len(certificate_pdf(certificate)) for certificate in sample]
        per_pdf = (time.perf_counter() - started) / len(sample) * 1000
        per_pdf_cpu = (time.process_time() - cpu) / len(sample) * 1000
        print(f"certificate_pdf: {per_pdf:.1f} ms per certificate ({per_pdf_cpu:.1f} ms CPU; {len(sample)} timed), "
              f"{sum(sizes) / len(sizes) / 1024:.0f} KB each")
        ids = exports.certificate_ids(Audience(event_id, SigningRule.of(())))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    total = 0
    sink = args.out.open("wb") if args.out else None
    for chunk in exports.zip_stream(app, ids, app.config["PUBLIC_BASE_URL"]):
        total += len(chunk)
        if sink:
            sink.write(chunk)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"ZIP of {len(ids)} certificates: {elapsed:.1f} s ({elapsed / len(ids) * 1000:.1f} s per 1,000; "
          f"CPU {cpu / len(ids) * 1000:.1f} s per 1,000), "
          f"{total / 1e6:.1f} MB, peak RSS {peak / 1024:.0f} MB (+{(peak - before) / 1024:.0f} MB while streaming)")


if __name__ == "__main__":
    main()
