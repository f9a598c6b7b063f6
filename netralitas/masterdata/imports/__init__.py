"""Spreadsheet import of master data, a room of its own because it is a pipeline, not a screen or a rule.

A file goes through upload, preview and an all-or-nothing import: `importer` (pending uploads, templates, the
run), `plan` (what the rows would change and their problems), `agencies` and `employees` (one kind each, checked
with masterdata.rules as the forms are) and `views` (the staff screens).
"""
