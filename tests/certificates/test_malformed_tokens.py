"""Malformed tokens (a kid that is no string, a header or payload that is no object, odd claims): always NOT VALID.

Each token is signed with the install's real key, so a check that trusted the signature alone would let it through
to the code that reads the header and claims; neither the page nor `flask verify-token` may answer with a crash.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netralitas.certificates.keys import b64url, current_kid, signing_key

#: Any JSON value, nested a little.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
NOT_A_STRING = JSON_VALUES.filter(lambda value: not isinstance(value, str))
NOT_AN_OBJECT = JSON_VALUES.filter(lambda value: not isinstance(value, dict))
GOOD_PAYLOAD = {"c": "7K2QM9XP3", "iat": 1_700_000_000}

#: (header, payload); "KID" stands for the install's current kid.
NAMED = {
    "kid a number": ({"alg": "EdDSA", "kid": 12345678}, GOOD_PAYLOAD),
    "kid a list": ({"alg": "EdDSA", "kid": ["KID"]}, GOOD_PAYLOAD),
    "kid an object": ({"alg": "EdDSA", "kid": {"kid": "KID"}}, GOOD_PAYLOAD),
    "kid null": ({"alg": "EdDSA", "kid": None}, GOOD_PAYLOAD),
    "kid true": ({"alg": "EdDSA", "kid": True}, GOOD_PAYLOAD),
    "kid missing": ({"alg": "EdDSA"}, GOOD_PAYLOAD),
    "alg a list": ({"alg": ["EdDSA"], "kid": "KID"}, GOOD_PAYLOAD),
    "header a list": (["EdDSA", "KID"], GOOD_PAYLOAD),
    "header a string": ("EdDSA", GOOD_PAYLOAD),
    "header a number": (7, GOOD_PAYLOAD),
    "header null": (None, GOOD_PAYLOAD),
    "crit a number": ({"alg": "EdDSA", "kid": "KID", "crit": 5}, GOOD_PAYLOAD),
    "crit a list of objects": ({"alg": "EdDSA", "kid": "KID", "crit": [{}]}, GOOD_PAYLOAD),
    "b64 false": ({"alg": "EdDSA", "kid": "KID", "b64": False}, GOOD_PAYLOAD),
    "payload a list": ({"alg": "EdDSA", "kid": "KID"}, ["7K2QM9XP3", 1_700_000_000]),
    "payload a string": ({"alg": "EdDSA", "kid": "KID"}, "7K2QM9XP3"),
    "payload a number": ({"alg": "EdDSA", "kid": "KID"}, 1_700_000_000),
    "payload null": ({"alg": "EdDSA", "kid": "KID"}, None),
    "payload empty": ({"alg": "EdDSA", "kid": "KID"}, {}),
    "iat missing": ({"alg": "EdDSA", "kid": "KID"}, {"c": "7K2QM9XP3"}),
    "iat a string": ({"alg": "EdDSA", "kid": "KID"}, {"c": "7K2QM9XP3", "iat": "1700000000"}),
    "iat a list": ({"alg": "EdDSA", "kid": "KID"}, {"c": "7K2QM9XP3", "iat": [1]}),
    "iat a float": ({"alg": "EdDSA", "kid": "KID"}, {"c": "7K2QM9XP3", "iat": 1.5}),
    "iat before year 1": ({"alg": "EdDSA", "kid": "KID"}, {"c": "7K2QM9XP3", "iat": -10**30}),
    "iat beyond float": ({"alg": "EdDSA", "kid": "KID"}, {"c": "7K2QM9XP3", "iat": -10**400}),
    "code a number": ({"alg": "EdDSA", "kid": "KID"}, {"c": 7, "iat": 1_700_000_000}),
    "code an object": ({"alg": "EdDSA", "kid": "KID"}, {"c": {"c": "x"}, "iat": 1_700_000_000}),
    "code empty": ({"alg": "EdDSA", "kid": "KID"}, {"c": "", "iat": 1_700_000_000}),
}


def _with_kid(value, kid: str):
    """value with every "KID" replaced by the real kid."""
    if value == "KID":
        return kid
    if isinstance(value, list):
        return [_with_kid(item, kid) for item in value]
    if isinstance(value, dict):
        return {key: _with_kid(item, kid) for key, item in value.items()}
    return value


def signed(keys_dir, header, payload) -> str:
    """A compact JWS of any header and payload JSON, signed with the install's current key."""
    _, private = signing_key(keys_dir)
    kid = current_kid(keys_dir)
    parts = [b64url(json.dumps(_with_kid(part, kid)).encode()) for part in (header, payload)]
    signing_input = ".".join(parts)
    return f"{signing_input}.{b64url(private.sign(signing_input.encode()))}"


def assert_not_valid(app, client, runner, token: str) -> None:
    page = client.get(f"/v/{token}")
    assert page.status_code == 404 and 'data-verdict="NOT_VALID"' in page.text, token
    result = runner.invoke(args=["verify-token", token])
    assert result.exit_code == 1 and result.output.startswith("NOT VALID: "), (token, result.output, result.exception)


@pytest.mark.parametrize("case", sorted(NAMED))
def test_named_malformed_token_is_not_valid(app, client, runner, case):
    header, payload = NAMED[case]
    assert_not_valid(app, client, runner, signed(app.config["KEYS_DIR"], header, payload))


BAD_HEADERS = st.one_of(
    st.fixed_dictionaries({"alg": st.just("EdDSA"), "kid": NOT_A_STRING}),
    st.fixed_dictionaries({"alg": st.just("EdDSA")}, optional={"typ": JSON_VALUES}),
    NOT_AN_OBJECT,
    st.dictionaries(st.sampled_from(["alg", "kid", "typ", "crit", "b64", "jku", "x5c"]), JSON_VALUES, max_size=4),
)
OUR_HEADERS = st.fixed_dictionaries({"alg": st.just("EdDSA"), "kid": st.just("KID")},
                                    optional={"crit": JSON_VALUES, "b64": JSON_VALUES, "typ": JSON_VALUES})
#: Payloads that name no certificate: not an object, or no non-empty string code, or no integer issue time.
BAD_PAYLOADS = st.one_of(
    NOT_AN_OBJECT,
    st.fixed_dictionaries({"iat": st.integers()}, optional={"c": NOT_A_STRING | st.just("")}),
    st.fixed_dictionaries({"c": st.text(max_size=12)}, optional={"iat": JSON_VALUES.filter(lambda v: type(v) is not int)}),
    st.fixed_dictionaries({}, optional={"nbf": JSON_VALUES, "exp": JSON_VALUES}),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=BAD_HEADERS, payload=BAD_PAYLOADS | st.just(GOOD_PAYLOAD))
def test_any_malformed_header_is_not_valid(app, client, runner, header, payload):
    assert_not_valid(app, client, runner, signed(app.config["KEYS_DIR"], header, payload))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=OUR_HEADERS, payload=BAD_PAYLOADS)
def test_any_malformed_payload_under_our_key_is_not_valid(app, client, runner, header, payload):
    assert_not_valid(app, client, runner, signed(app.config["KEYS_DIR"], header, payload))
