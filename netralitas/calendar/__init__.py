"""Working-day calendar: national holidays from the `holidays` package plus the days off admins record."""
