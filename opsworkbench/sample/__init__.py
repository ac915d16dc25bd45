"""The seeded sample organisations: generator and its content."""
