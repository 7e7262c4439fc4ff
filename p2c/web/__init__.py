"""Base templates, macros, error pages, Jinja filters, security headers."""
