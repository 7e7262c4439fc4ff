"""Yearly progress reports by focal points, reminders and reporting status."""
