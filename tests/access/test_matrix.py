"""The size of the route × role matrix the access tests walk, written to test-artifacts/access-matrix.txt.

Counted from the URL map with the same helpers the walking tests use (tests/test_access.py for anonymous and the
five staff roles, tests/access/test_signer_access.py for the signer, tests/access/test_csrf.py for CSRF), so the
figure follows the app as routes are added. The README's "Reliability" section quotes it.
"""
from __future__ import annotations

from pathlib import Path

from tests.test_access import ROLES, SUPER, decided_routes, names_object, routes

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ALL_ROLES = (*ROLES, "signer")


def test_every_route_is_walked_for_every_role(app):
    rules = routes(app)
    decided = decided_routes(app)
    assert decided == rules  # test_every_route_is_in_the_table says which are missing
    gets_per_role = sum(2 if names_object(rule) else 1 for rule in rules)
    post_rules = [rule for rule in rules if "POST" in rule.methods]
    staff_gets = gets_per_role * len(ROLES)
    staff_posts = len(post_rules) * len([role for role in ROLES if role != SUPER])
    signer_requests = len(rules) + len(post_rules)
    csrf_rules = [rule for rule in rules if rule.methods & STATE_CHANGING]
    pairs = len(rules) * len(ALL_ROLES)
    report = (
        f"{len(rules)} routes x {len(ALL_ROLES)} roles = {pairs} route-role pairs checked\n"
        f"roles: {', '.join(ALL_ROLES)}\n"
        f"requests: {staff_gets} GET (agency A and B objects) + {staff_posts} POST aimed at agency B "
        f"(tests/test_access.py), {signer_requests} as a signer (tests/access/test_signer_access.py), "
        f"{len(csrf_rules)} state-changing routes each sent without a CSRF token, with a made-up one and with another "
        f"session's (tests/access/test_csrf.py)\n"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "access-matrix.txt").write_text(report)
    assert pairs >= len(rules) * 8 and len(ALL_ROLES) == 8
