"""The PDF renderer reads only the app's static files (no network, no other file): p2c/core/pdf.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from p2c.core.pdf import PdfResourceRefused, _static_fetcher


@pytest.fixture
def fetch(app):
    with app.app_context():
        yield _static_fetcher(Path(app.static_folder)).fetch


def test_static_files_are_read_from_disk(app, fetch):
    css = fetch("http://127.0.0.1:5000/static/css/print.css")
    assert css.read() == Path(app.static_folder, "css", "print.css").read_bytes()
    as_file = fetch(Path(app.static_folder, "css", "print.css").resolve().as_uri())
    assert as_file.read() == Path(app.static_folder, "css", "print.css").read_bytes()


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/",       # the network
    "https://example.org/static/css/print.css",        # another host's /static/ is read from disk only by path
    "file:///etc/passwd",                              # a file outside the static folder
    "http://127.0.0.1:5000/static/../../etc/passwd",   # traversal out of it
    "http://127.0.0.1:5000/static/%2e%2e/%2e%2e/etc/passwd",
    "http://127.0.0.1:5000/static/css/no-such-file.css",
])
def test_everything_else_is_refused(fetch, url):
    if url.startswith("https://example.org/static/"):
        # Read from our own static folder (the path names one of our files): never fetched from that host.
        assert fetch(url).read()
        return
    with pytest.raises(PdfResourceRefused):
        fetch(url)
