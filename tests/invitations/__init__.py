"""Tests of invitation codes (a package: tests/core has a test_codes.py too)."""
