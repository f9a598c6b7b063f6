"""Hostile-input fixtures, and the session hooks that write how many hypothesis examples ran."""
from __future__ import annotations

from pathlib import Path

import pytest

from netralitas.auth import models as auth_models
from tests.hostile.support import examples

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_sessionfinish(session):
    if not examples.by_test:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [f"{count:6d}  {test}" for test, count in sorted(examples.by_test.items())]
    report = "\n".join([f"{examples.total()} hypothesis examples (hostile input, tests/hostile)", *lines]) + "\n"
    (ARTIFACTS / "hypothesis-examples.txt").write_text(report)


def pytest_terminal_summary(terminalreporter):
    if examples.by_test:
        terminalreporter.write_line(f"hostile input: {examples.total()} hypothesis examples "
                                    "(test-artifacts/hypothesis-examples.txt)")


@pytest.fixture
def cheap_decoy(fast_passwords):
    """An unknown email costs one password check against a decoy hash; make that decoy cheap too."""
    auth_models._decoy_hash.cache_clear()
    yield
    auth_models._decoy_hash.cache_clear()
