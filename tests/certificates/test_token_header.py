"""The verify page's header peek reads the same header PyJWT's get_unverified_header reads, and refuses no less."""
from __future__ import annotations

import json

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netralitas.certificates.keys import b64url
from netralitas.certificates.tokens import TokenError, _peek_header

#: Any JSON value, nested a little: objects (headers) and everything that is no header.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=8,
)
HEADERS = st.fixed_dictionaries({"alg": st.just("EdDSA"), "kid": st.text(max_size=12)}) | JSON_VALUES
REST = "." + b64url(b'{"c":"7K2QM9XP3","iat":1700000000}') + "." + b64url(b"\x00" * 64)


def library_header(token: str) -> dict | None:
    """PyJWT's own reading of the header; None when it refuses the token."""
    try:
        return jwt.get_unverified_header(token)
    except jwt.exceptions.InvalidTokenError:
        return None


def peeked(token: str) -> dict | None:
    try:
        return _peek_header(token)
    except TokenError:
        return None


@given(HEADERS)
def test_same_header_as_pyjwt_for_any_json(header):
    token = b64url(json.dumps(header).encode()) + REST
    ours, theirs = peeked(token), library_header(token)
    if theirs is not None:
        assert ours == theirs
    else:  # PyJWT refuses: so does the peek, or verify_token refuses the kid PyJWT checked here
        assert ours is None or not isinstance(ours.get("kid"), str)


@given(st.binary(max_size=60) | st.text(max_size=60).map(str.encode))
def test_same_header_as_pyjwt_for_any_bytes(raw):
    token = b64url(raw) + REST
    ours, theirs = peeked(token), library_header(token)
    if theirs is not None:
        assert ours == theirs
    else:
        assert ours is None or not isinstance(ours.get("kid"), str)


@pytest.mark.parametrize("segment", ["", "!!!", "e30", "W10", "bnVsbA", "eyJhbGciOiJFZERTQSJ9x"])
def test_odd_segments_answer_like_pyjwt(segment):
    token = segment + REST
    ours, theirs = peeked(token), library_header(token)
    assert ours == theirs or (theirs is None and not isinstance((ours or {}).get("kid"), str))
