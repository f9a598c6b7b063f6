"""`flask verify-token`: offline verification that agrees with the verify page on every case."""
from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from netralitas.certificates import services
from tests.certificates.conftest import verdict_of_page
from tests.certificates.forgeries import FORGERIES, hs256_with_raw_public_key

EXIT_FOR_VERDICT = {"VALID": 0, "NOT_VALID": 1, "REVOKED": 2}


@pytest.fixture
def published(client, tmp_path):
    """Save what a verifier downloads (the JWK Set; a key's revocation list) to files."""

    def save(kid: str | None = None) -> dict[str, Path]:
        files = {"jwks": tmp_path / "jwks.json"}
        files["jwks"].write_text(client.get("/.well-known/jwks.json").text)
        if kid:
            files["crl"] = tmp_path / f"crl-{kid}.json"
            files["crl"].write_text(client.get(f"/.well-known/crl/{kid}.json").text)
        return files

    return save


def _cli(runner, token_or_url: str, *options):
    return runner.invoke(args=["verify-token", token_or_url, *map(str, options)])


CASES = ["valid", "revoked", *sorted(FORGERIES)]


@pytest.mark.parametrize("case", CASES)
def test_cli_agrees_with_the_page(app, client, runner, certify, revoke, published, case):
    certificate = certify()
    token = certificate.token
    if case == "revoked":
        revoke(certificate)
    elif case != "valid":
        token = FORGERIES[case](token, app.config["KEYS_DIR"])
    page = client.get(f"/v/{token}")
    files = published(certificate.kid)
    result = _cli(runner, token, "--jwks", files["jwks"], "--crl", files["crl"])
    assert result.exit_code == EXIT_FOR_VERDICT[verdict_of_page(page)], (case, result.output)
    expected_start = {"VALID": "VALID ", "REVOKED": "REVOKED ", "NOT_VALID": "NOT VALID: "}[verdict_of_page(page)]
    assert result.output.startswith(expected_start), (case, result.output)


def test_valid_output_names_code_time_and_kid(runner, certify, published):
    certificate = certify()
    result = _cli(runner, certificate.token, "--jwks", published()["jwks"])
    issued = certificate.issued_dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert result.exit_code == 0
    assert result.stdout == f"VALID {services.display_code(certificate.code)} issued {issued} kid {certificate.kid}\n"
    assert "revocation not checked" in result.stderr


def test_full_verify_url_is_accepted(app, runner, certify, published):
    certificate = certify()
    url = services.verify_url(certificate) + "?lang=en"
    assert _cli(runner, url, "--jwks", published()["jwks"]).exit_code == 0
    assert _cli(runner, "https://netralitas.contoh.go.id/bukan/" + certificate.token).exit_code == 1


def test_without_jwks_the_apps_own_keys_are_used(runner, certify):
    certificate = certify()
    assert _cli(runner, certificate.token).exit_code == 0
    assert _cli(runner, FORGERIES["other key, our kid"](certificate.token, runner.app.config["KEYS_DIR"])).exit_code == 1


def test_revoked_without_a_crl_cannot_be_known_offline(runner, certify, revoke, published):
    certificate = revoke(certify())
    result = _cli(runner, certificate.token, "--jwks", published()["jwks"])
    assert result.exit_code == 0 and "revocation not checked" in result.stderr


def test_jwks_and_crl_over_http(app, client, runner, certify, revoke, tmp_path):
    certificate = revoke(certify())
    served = tmp_path / "served"
    (served / ".well-known" / "crl").mkdir(parents=True)
    (served / ".well-known" / "jwks.json").write_text(client.get("/.well-known/jwks.json").text)
    crl_path = f".well-known/crl/{certificate.kid}.json"
    (served / crl_path).write_text(client.get(f"/{crl_path}").text)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        result = _cli(runner, certificate.token, "--jwks", f"{base}/.well-known/jwks.json", "--crl", f"{base}/{crl_path}")
        assert result.exit_code == 2 and result.output.startswith("REVOKED ")
        missing = _cli(runner, certificate.token, "--jwks", f"{base}/nothing.json")
        assert missing.exit_code == 3 and "CANNOT CHECK" in missing.output
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_a_symmetric_key_slipped_into_the_jwks_is_never_used(app, runner, certify, tmp_path):
    """Algorithm confusion through the key set: an 'oct' JWK with our kid must not verify an HS256 token."""
    certificate = certify()
    forged = hs256_with_raw_public_key(certificate.token, app.config["KEYS_DIR"])
    secret = [key for key in services.published_keys() if key.kid == certificate.kid][0].jwk()["x"]
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{"kty": "oct", "kid": certificate.kid, "alg": "HS256", "k": secret}]}))
    result = _cli(runner, forged, "--jwks", jwks)
    assert result.exit_code == 3 and "no Ed25519 key" in result.output


@pytest.mark.parametrize("content, message", [
    ("not json", "not JSON"),
    ('{"keys": "none"}', "not a JWK Set"),
    ('{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AAAA", "kid": "k"}]}', "no Ed25519 key"),
])
def test_an_unreadable_jwks_cannot_check(runner, certify, tmp_path, content, message):
    jwks = tmp_path / "jwks.json"
    jwks.write_text(content)
    result = _cli(runner, certify().token, "--jwks", jwks)
    assert result.exit_code == 3 and message in result.output


def test_a_crl_of_another_key_cannot_check(runner, certify, published, tmp_path):
    certificate = certify()
    crl = tmp_path / "crl.json"
    crl.write_text(json.dumps({"kid": "someone", "method": "sha256-token", "ctr": 0, "rids": []}))
    result = _cli(runner, certificate.token, "--jwks", published()["jwks"], "--crl", crl)
    assert result.exit_code == 3 and "key someone" in result.output


def test_a_missing_jwks_file_cannot_check(runner, certify, tmp_path):
    result = _cli(runner, certify().token, "--jwks", tmp_path / "absent.json")
    assert result.exit_code == 3 and "CANNOT CHECK" in result.output
