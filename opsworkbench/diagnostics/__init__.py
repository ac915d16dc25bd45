"""The analyses: pure functions of an organisation's frames (no I/O, no HTML)."""
