"""HTML to PDF (WeasyPrint, through pango): one function, shared by every feature that offers a PDF.

The HTML is our own rendered template; user text in it is escaped like on any page. Nothing is
fetched from the network while rendering: only `data:` URLs and files under the given base URL's
directory (our static files) are read, anything else is refused.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse


def _fetcher(base_url: str):
    from weasyprint.urls import URLFetcher

    root = Path(unquote(urlparse(base_url).path)).resolve() if base_url.startswith("file:") else None

    class OwnFilesOnly(URLFetcher):
        """data: URLs, and files under the base URL's directory; nothing else."""

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if root is None or not (path == root or root in path.parents):
                    raise ValueError("file outside the base directory")
            elif not url.startswith("data:"):
                raise ValueError("not fetched while making a PDF")
            return super().fetch(url, headers)

    return OwnFilesOnly(allowed_protocols=("data", "file"), timeout=5)


def html_to_pdf(html: str, base_url: str) -> bytes:
    """The PDF of an HTML document; relative addresses resolve against `base_url`."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher(base_url)).write_pdf()
