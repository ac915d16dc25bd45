"""opsworkbench."""
