"""QR codes: the remembered version is the one qrcode fits itself, so every matrix is what the library would draw."""
from __future__ import annotations

import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st
from qrcode.constants import ERROR_CORRECT_M

from netralitas.core import qr


def library_matrix(data: str) -> tuple[int, list[list[bool]]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=qr.SVG_MASK)
    code.add_data(data)
    code.make(fit=True)
    return code.version, code.get_matrix()


url_like = st.builds(lambda host, token: f"https://{host}/v/{token}",
                     st.sampled_from(["verifikasi.mekarsari.go.id", "127.0.0.1:8000", "x.id"]),
                     st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.", max_size=300))


@settings(max_examples=200, deadline=None)
@given(data=st.one_of(url_like, st.text(max_size=200), st.from_regex(r"[0-9]{0,80}[A-Z ]{0,40}[a-z]{0,20}", fullmatch=True)))
def test_same_version_and_modules_as_the_library(data):
    for _ in range(2):  # the first call fits and remembers, the second reuses the remembered version
        built = qr._build(data, border=0, mask_pattern=qr.SVG_MASK)
        assert (built.version, built.get_matrix()) == library_matrix(data)


def test_one_shape_fits_once(monkeypatch):
    qr._fitted_versions.clear()
    fits = []
    original = qrcode.QRCode.best_fit
    monkeypatch.setattr(qrcode.QRCode, "best_fit", lambda self, start=None: fits.append(1) or original(self, start))
    qr._build(f"https://verifikasi.mekarsari.go.id/v/{'A' * 180}")
    first = len(fits)
    for token in ("B" * 180, "C" * 180):
        qr._build(f"https://verifikasi.mekarsari.go.id/v/{token}")
    assert first >= 1 and len(fits) == first
