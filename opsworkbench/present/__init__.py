"""Turning findings into charts and HTML fragments."""
