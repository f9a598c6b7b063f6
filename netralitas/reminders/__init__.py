"""Reminders to employees who have not signed yet: WhatsApp click-to-chat links and email."""
