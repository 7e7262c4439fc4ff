"""A published report downloads as a PDF in the reader's language, with a table of contents, its charts
and the data's SHA-256 fingerprint (issue 13)."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from p2c.core.unit import commit
from p2c.publications import services
from tests.publications.test_publications import pledges  # noqa: F401 - the fixture


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages)


def _report():
    publication = services.publish("Progress report 2024", date(2024, 12, 31), "report-2024",
                                   {"foreword": "Dear reader,\n\n- first point\n- second point"})
    commit()
    return publication


def test_the_report_pdf_has_contents_fingerprint_and_figures_in_french(client, pledges):  # noqa: F811
    publication = _report()
    response = client.get("/reports/report-2024.pdf?lang=fr")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="report-2024-fr.pdf"'
    assert response.headers["X-Content-SHA256"] == publication.content_hash
    assert response.data.startswith(b"%PDF-")
    pages, text = _pdf_text(response.data)
    assert pages >= 2  # the table of contents has a page of its own
    flat = " ".join(text.split())
    assert "Table des matières" in flat
    assert "Engagements par domaine d'action" in flat or "domaine" in flat
    assert "Progress report 2024" in flat
    # The fingerprint is printed whole once, and its running form on every page's footer.
    assert publication.content_hash in flat.replace(" ", "")
    assert flat.count(publication.content_hash[:12]) >= pages
    # Two approved pledges at the cut-off, USD 7 million together: the figure is in the PDF, French style.
    assert "7 000 000" in text.replace("\u202f", " ").replace("\xa0", " ")
    # The narrative's list stays a list.
    assert "first point" in flat and "second point" in flat
    # Site navigation and forms are not in the PDF.
    assert "Skip to main content" not in flat and "Passer au contenu" not in flat


def test_the_report_pdf_in_arabic_is_a_pdf_with_arabic_text(client, pledges):  # noqa: F811
    _report()
    response = client.get("/reports/report-2024.pdf?lang=ar")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="report-2024-ar.pdf"'
    _, text = _pdf_text(response.data)
    assert any("\u0600" <= ch <= "\u06ff" or "\ufe70" <= ch <= "\ufeff" for ch in text)


def test_an_unknown_report_pdf_is_404(client):
    assert client.get("/reports/no-such-report.pdf").status_code == 404


def test_the_report_page_links_its_pdf(client, pledges):  # noqa: F811
    _report()
    html = client.get("/reports/report-2024?lang=es").get_data(as_text=True)
    assert 'href="/reports/report-2024.pdf?lang=es"' in html


def test_each_language_pdf_is_made_once(client, pledges, monkeypatch):  # noqa: F811
    from p2c.publications import views

    _report()
    made = []
    real = views.html_to_pdf
    monkeypatch.setattr(views, "html_to_pdf", lambda html, base_url: made.append(base_url) or real(html, base_url))
    first = client.get("/reports/report-2024.pdf?lang=ru", headers={"Host": "evil.example"}).data
    assert client.get("/reports/report-2024.pdf?lang=ru").data == first
    client.get("/reports/report-2024.pdf?lang=zh")
    assert len(made) == 2  # ru once, zh once
    assert all("evil.example" not in url for url in made)  # links resolve against the configured site
