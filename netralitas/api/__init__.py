"""The read-only JSON API for other dashboards, authenticated with per-staff API tokens."""
