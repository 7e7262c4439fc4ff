"""HTML to PDF with WeasyPrint (published reports, country briefs).

WeasyPrint lays the page out itself (no browser): fonts come from the system through Pango/fontconfig,
so Arabic and Chinese need the Noto fonts that CI installs (`fonts-noto-core`, `fonts-noto-cjk`).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app


class PdfResourceRefused(ValueError):
    """A document asked for a resource outside the app's own static files."""


def _static_fetcher(static_folder: Path):
    """A WeasyPrint URL fetcher that serves only the app's /static/ files, read from disk.

    Why: a rendering request must not call back into the web server (one worker would wait for
    itself) nor fetch anything from the network (server-side request forgery through a URL in text).
    WeasyPrint 70 takes a `URLFetcher` subclass whose `fetch` returns a `URLFetcherResponse`.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = static_folder.resolve()

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)  # inline images and fonts, no I/O
            if parts.scheme == "file":  # a document rendered with base_url = the static folder itself
                target = Path(unquote(parts.path)).resolve()
            elif parts.path.startswith("/static/"):  # a page's own /static/... links
                target = (root / unquote(parts.path).removeprefix("/static/")).resolve()
            else:
                raise PdfResourceRefused(url)
            if root not in target.parents or not target.is_file():
                raise PdfResourceRefused(url)
            mime_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": mime_type})

    return StaticOnly()


def html_to_pdf(html: str, base_url: str) -> bytes:
    """Render an HTML document (str, with its own <html lang dir> and stylesheets) to PDF bytes.

    `base_url` resolves relative links: the request's host URL (pages link `/static/...`) or a
    `file:` URL of the static folder. Stylesheets and images are read from the app's static folder
    only, `data:` URLs inline; anything else is left out (WeasyPrint logs it).
    """
    from weasyprint import HTML  # imported here: WeasyPrint loads Pango at import, pages never need it

    fetcher = _static_fetcher(Path(current_app.static_folder or "static"))
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
