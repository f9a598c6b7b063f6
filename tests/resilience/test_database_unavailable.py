"""A database that is locked or gone gives the signer a 503 'try again' page, and nothing half-stored."""
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from netralitas.extensions import db
from netralitas.signing import services as signing
from netralitas.signing.models import Signature


def test_operational_error_becomes_a_503_retry_page(app, client, invited, monkeypatch):
    client.post(f"/e/{invited.event.slug}", data={"code": invited.code, "birth_date": invited.birth})

    def database_gone(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(signing, "record", database_gone)  # the audit write, after the signature INSERT
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "coba lagi" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0

    monkeypatch.undo()  # the database is back: the same resubmit succeeds
    retry = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert retry.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 1
