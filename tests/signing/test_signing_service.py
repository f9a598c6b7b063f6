"""The signing service: proof of identity, every refusal stores nothing, one signature per employee."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.audit.services import verify_chain
from netralitas.core import rotating_code
from netralitas.db import utcnow
from netralitas.events import services as events
from netralitas.events.models import EventStatus
from netralitas.events.texts import TextContent
from netralitas.extensions import db
from netralitas.invitations.services import reissue
from netralitas.masterdata.models import Category
from netralitas.signing import services
from netralitas.signing.models import Signature
from tests.conftest import signature_png

PNG_LIMIT = 150 * 1024


def _sign(access, invited, **overrides):
    values = {"ticked": set(range(1, 9)), "typed_name": invited.employee.name, "signature_png": signature_png(),
              "client_ip": "10.0.0.1", "user_agent": "pytest", "max_png_bytes": PNG_LIMIT}
    values.update(overrides)
    return services.sign(access, **values)


def _count(model=Signature) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_valid_code_and_birth_date_give_access(invited):
    access = services.verify_signer(invited.event, invited.code.lower().replace("-", " "), invited.birth, "")
    assert access.employee_id == invited.employee.id and access.is_attended is False


@pytest.mark.parametrize("typed", ["1985-04-12", "12/04/1985", "12041985", "12-04-1985"])
def test_birth_date_formats(typed):
    from datetime import date

    assert services.parse_birth_date(typed) == date(1985, 4, 12)


@pytest.mark.parametrize("code, birth, attendance, field", [
    ("AAAAA-AAAAA", None, "", "code"),
    ("not a code", None, "", "code"),
    (None, "01-01-1900", "", "birth_date"),
    (None, None, "0000", "attendance"),
])
def test_refusals_name_the_field_and_store_nothing(invited, code, birth, attendance, field):
    now = utcnow()
    if attendance == "0000" and rotating_code.matches(invited.event.attendance_secret, "0000", now):
        attendance = "0001"
    with pytest.raises(services.SigningError) as caught:
        services.verify_signer(invited.event, code or invited.code, birth or invited.birth, attendance, now)
    assert caught.value.field == field
    assert _count() == 0


def test_current_and_previous_attendance_code_mark_attended(invited):
    now = utcnow()
    previous = rotating_code.code_at(invited.event.attendance_secret, now - timedelta(seconds=60))
    access = services.verify_signer(invited.event, invited.code, invited.birth, previous, now)
    assert access.is_attended is True
    expired = rotating_code.code_at(invited.event.attendance_secret, now - timedelta(seconds=180))
    current = {rotating_code.code_at(invited.event.attendance_secret, now - timedelta(seconds=s)) for s in (0, 60)}
    if expired not in current:
        with pytest.raises(services.SigningError):
            services.verify_signer(invited.event, invited.code, invited.birth, expired, now)


@pytest.mark.parametrize("status, shift, problem", [
    (EventStatus.CLOSED, None, services.Problem.EVENT_CLOSED),
    (EventStatus.OPEN, "future", services.Problem.EVENT_NOT_YET),
    (EventStatus.OPEN, "past", services.Problem.EVENT_ENDED),
])
def test_outside_the_window_nothing_is_accepted(make_agency, make_employee, make_event, invite, status, shift, problem):
    now = utcnow()
    window = {}
    if shift == "future":
        window = {"opens_dt": now + timedelta(hours=1), "closes_dt": now + timedelta(hours=2)}
    elif shift == "past":
        window = {"opens_dt": now - timedelta(hours=2), "closes_dt": now - timedelta(hours=1)}
    invited = invite(make_event(status=status, **window), make_employee(make_agency()))
    with pytest.raises(services.SigningError) as caught:
        services.verify_signer(invited.event, invited.code, invited.birth, "")
    assert caught.value.problem == problem


def test_not_required_or_inactive_employee_is_refused(make_agency, make_employee, make_event, invite):
    agency = make_agency()
    contract = make_employee(agency, category=Category.KONTRAK)
    invited = invite(make_event(categories=[Category.PNS]), contract)
    with pytest.raises(services.SigningError) as caught:
        services.verify_signer(invited.event, invited.code, invited.birth, "")
    assert caught.value.problem == services.Problem.NOT_REQUIRED
    other = invite(make_event(), make_employee(agency))
    other.employee.is_active = False
    db.session.commit()
    with pytest.raises(services.SigningError):
        services.verify_signer(other.event, other.code, other.birth, "")


def test_sign_stores_text_hash_and_audits(invited):
    access = services.verify_signer(invited.event, invited.code, invited.birth, "")
    outcome = _sign(access, invited)
    db.session.commit()
    assert outcome.is_new
    stored = db.session.scalar(sa.select(Signature))
    assert stored.text_sha256 == invited.event.current_text.sha256 == TextContent(
        invited.event.current_text.title, invited.event.current_text.preamble,
        tuple(invited.event.current_text.points), invited.event.current_text.closing).sha256()
    assert stored.signature_png.startswith(b"\x89PNG") and stored.client_ip == "10.0.0.1"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "signature.create"))
    assert entry.target_id == str(stored.id) and verify_chain().is_intact


@pytest.mark.parametrize("overrides, field", [
    ({"ticked": set(range(1, 8))}, "points"),
    ({"typed_name": "Orang Lain"}, "typed_name"),
    ({"signature_png": b"GIF89a" + b"0" * 100}, "signature"),
    ({"signature_png": b""}, "signature"),
    ({"signature_png": signature_png(4000, 300)}, "signature"),
    ({"max_png_bytes": 500}, "signature"),
])
def test_bad_submissions_store_nothing(invited, overrides, field):
    access = services.verify_signer(invited.event, invited.code, invited.birth, "")
    with pytest.raises(services.SigningError) as caught:
        _sign(access, invited, **overrides)
    db.session.rollback()
    assert caught.value.field == field
    assert _count() == 0


def test_blank_png_is_refused(invited):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(buffer, "PNG")
    access = services.verify_signer(invited.event, invited.code, invited.birth, "")
    with pytest.raises(services.SigningError) as caught:
        _sign(access, invited, signature_png=buffer.getvalue())
    assert caught.value.problem == services.Problem.SIGNATURE and "kosong" in caught.value.refusals[0].detail


def test_second_submission_returns_the_first_signature(invited):
    access = services.verify_signer(invited.event, invited.code, invited.birth, "")
    first = _sign(access, invited)
    db.session.commit()
    again = _sign(access, invited, typed_name=invited.employee.name.upper())
    db.session.commit()
    assert again.is_new is False and again.signature.id == first.signature.id
    assert _count() == 1


def test_unique_constraint_is_the_guarantee(invited):
    access = services.verify_signer(invited.event, invited.code, invited.birth, "")
    first = _sign(access, invited).signature
    db.session.commit()
    duplicate = Signature(event_id=first.event_id, employee_id=first.employee_id, invitation_id=first.invitation_id,
                          text_id=first.text_id, text_sha256=first.text_sha256, typed_name="x",
                          signature_png=first.signature_png, is_attended=False, client_ip="", user_agent="")
    db.session.add(duplicate)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_concurrent_double_submission_yields_one_signature(app, invited):
    access = services.verify_signer(invited.event, invited.code, invited.birth, "")
    name = invited.employee.name  # read here: ORM objects of this thread's session must not cross threads
    db.session.commit()
    results, errors = [], []
    barrier = threading.Barrier(6)

    def submit():
        with app.app_context():
            try:
                barrier.wait()
                outcome = services.sign(access, ticked=set(range(1, 9)), typed_name=name,
                                        signature_png=signature_png(), client_ip="10.0.0.2", user_agent="thread",
                                        max_png_bytes=PNG_LIMIT)
                db.session.commit()
                results.append((outcome.signature.id, outcome.is_new))
            except Exception as exc:  # collected and asserted below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len({signature_id for signature_id, _ in results}) == 1
    assert sum(1 for _, is_new in results if is_new) == 1
    db.session.expire_all()
    assert _count() == 1 and verify_chain().is_intact


def test_reissued_code_replaces_the_old_one(invited, make_staff):
    staff = make_staff()
    new_code = reissue(staff, invited.event, invited.employee, "lost slip")
    db.session.commit()
    with pytest.raises(services.SigningError) as caught:
        services.verify_signer(invited.event, invited.code, invited.birth, "")
    assert caught.value.problem == services.Problem.CODE_ENDED  # told to go to the help desk, not "mistyped"
    assert services.verify_signer(invited.event, new_code, invited.birth, "").employee_id == invited.employee.id


def test_signed_text_is_frozen_and_a_new_version_is_made(invited):
    access = services.verify_signer(invited.event, invited.code, invited.birth, "")
    _sign(access, invited)
    db.session.commit()
    first = invited.event.current_text
    changed = TextContent(first.title, first.preamble, (*first.points, "Butir tambahan."), first.closing)
    saved = events.save_text("test", invited.event, changed)
    db.session.commit()
    assert saved.version == first.version + 1 and first.sha256 != saved.sha256
    assert db.session.scalar(sa.select(Signature)).text_id == first.id


def test_names_match_ignores_case_titles_and_accents():
    assert services.names_match("siti rahayu", "Siti Rahayu")
    assert services.names_match("Siti Rahayu", "Dr. Siti Rahayu, S.Pd.")
    assert services.names_match("Ni Luh Wedari", "Ni Luh Wédari")
    assert not services.names_match("Siti", "Siti Rahayu")
    assert not services.names_match("Budi Santoso", "Siti Rahayu")
