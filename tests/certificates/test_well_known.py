"""/.well-known/jwks.json and /.well-known/crl/<kid>.json: open to any verifier, short-lived caches."""
from __future__ import annotations

import json

from netralitas.certificates import services
from netralitas.certificates.keys import current_kid, generate_key
from netralitas.signing.models import RevocationReason


def rid(certificate) -> str:
    return services.revocation_id(certificate.token)


def test_jwks_lists_the_current_key_and_is_cors_open(app, client):
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    (key,) = response.json["keys"]
    assert key["kid"] == current_kid(app.config["KEYS_DIR"])
    assert key | {"x": ""} == {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": key["kid"], "x": ""}
    assert "d" not in key  # never the private part


def test_jwks_lists_both_keys_after_rotation(app, client, certify):
    old = certify()
    new_kid = generate_key(app.config["KEYS_DIR"])
    kids = {key["kid"] for key in client.get("/.well-known/jwks.json").json["keys"]}
    assert kids == {old.kid, new_kid}


def test_crl_lists_revoked_codes_and_its_counter_moves(client, certify, revoke):
    first, second, untouched = certify(), certify(), certify()
    url = f"/.well-known/crl/{first.kid}.json"
    empty = client.get(url)
    assert empty.json == {"kid": first.kid, "method": "sha256-token", "ctr": 0, "rids": []}
    assert empty.headers["Access-Control-Allow-Origin"] == "*" and empty.headers["Cache-Control"] == "public, max-age=60"
    revoke(first)
    one = client.get(url).json
    assert one["rids"] == [rid(first)] and one["ctr"] == 1
    revoke(second, RevocationReason.DATA_ERROR)
    two = client.get(url).json
    assert sorted(two["rids"]) == sorted([rid(first), rid(second)]) and two["ctr"] > one["ctr"]
    assert rid(untouched) not in two["rids"]
    assert first.code not in json.dumps(two)  # the list never names a code someone could type at /cek


def test_crl_answers_not_modified_while_unchanged(client, certify, revoke):
    certificate = certify()
    url = f"/.well-known/crl/{certificate.kid}.json"
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    revoke(certificate)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_crl_of_a_retired_key_is_still_published(app, client, certify, revoke):
    old = revoke(certify())
    generate_key(app.config["KEYS_DIR"])
    assert client.get(f"/.well-known/crl/{old.kid}.json").json["rids"] == [rid(old)]


def test_crl_of_an_unknown_kid_is_404(client):
    response = client.get("/.well-known/crl/nobody12.json")
    assert response.status_code == 404 and response.json == {"error": "unknown kid"}
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_documents_hold_no_personal_data(client, certify, revoke):
    certificate = revoke(certify(name="Siti Rahayu"))
    employee = certificate.signature.employee
    for url in ("/.well-known/jwks.json", f"/.well-known/crl/{certificate.kid}.json"):
        body = client.get(url).text
        assert employee.nip not in body and employee.nik not in body and "Siti" not in body
    crl = client.get(f"/.well-known/crl/{certificate.kid}.json").text
    assert certificate.code not in crl and services.revocation_id(certificate.token) in crl
