"""Completion tracking across the agency tree: dashboard, drill-down, exports and the printed recap."""
