"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from p2c import create_app

app = create_app()
