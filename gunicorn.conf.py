"""gunicorn settings, read by `gunicorn wsgi:app` when started from this folder (`make serve`).

- Access-log lines never hold private-link or invitation tokens (p2c.core.redaction).
- The request line limit is lifted from gunicorn's 4094 bytes (0 = up to 1 MB, gunicorn's own cap):
  the app itself answers URLs over P2C_MAX_URL_LENGTH with a 414 in its own format (JSON under
  /api), where gunicorn would send a bare HTML error page.
"""

logger_class = "p2c.core.redaction.RedactingGunicornLogger"
limit_request_line = 0
