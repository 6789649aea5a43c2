"""Widgets, one per file, grouped by the screen region they fill."""
