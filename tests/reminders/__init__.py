"""Tests of reminders: phone numbers, WhatsApp links and email reminders."""
