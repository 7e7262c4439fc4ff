"""Evidence files on progress reports: type from the content (a lying name, HTML and oversized files are
refused), limits per file and per report, stored in the database, served only as safe downloads, public
only once the report is approved (on the timeline), and in the exports as links."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from sqlalchemy import func, select

from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.implementation.models import EvidenceFile, ProgressReport

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _ods() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<x/>")
    return buf.getvalue()


@pytest.fixture
def pledge(builder):
    p = builder.pledge(amount=1_000_000, currency="USD")
    db.session.commit()
    return p


def _token(pledge) -> str:
    return make_token("pledge", pledge.id, pledge.focal_point.email)


def _post(client, pledge, files: list[tuple[bytes, str]]):
    data = {"period": "2025", "implementation_status": "on_track",
            "narrative": "We connected 40 schools in Turkana county this year.",
            "evidence_files": [(io.BytesIO(content), name) for content, name in files]}
    return client.post(f"/my/{_token(pledge)}/report", data=data, content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(select(func.count(EvidenceFile.id)))


def test_accepted_files_are_stored_with_their_checked_type(client, pledge):
    response = _post(client, pledge, [(PDF, "Rapport annuel 2025.pdf"), (PNG, "photo.PNG"), (_docx(), "notes.docx"),
                                      (_ods(), "data.ods")])
    assert response.status_code == 302
    files = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    assert [(f.filename, f.content_type, f.size) for f in files] == [
        ("Rapport annuel 2025.pdf", "application/pdf", len(PDF)), ("photo.png", "image/png", len(PNG)),
        ("notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", len(_docx())),
        ("data.ods", "application/vnd.oasis.opendocument.spreadsheet", len(_ods()))]
    assert files[0].sha256 == hashlib.sha256(PDF).hexdigest() and files[0].data == PDF


@pytest.mark.parametrize(("content", "name", "message"), [
    (PNG, "report.pdf", "does not match its content, which is a .png file"),  # a lying extension
    (HTML, "evidence.pdf", "is not of an accepted type"),  # HTML under a PDF name
    (HTML, "page.html", "is not of an accepted type"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "chart.svg", "is not of an accepted type"),
    (b"", "empty.pdf", "is empty"),
])
def test_refused_files_leave_nothing_saved(client, pledge, content, name, message):
    response = _post(client, pledge, [(PDF, "good.pdf"), (content, name)])
    assert response.status_code == 422
    assert message in response.text
    assert _count() == 0 and db.session.scalar(select(func.count(ProgressReport.id))) == 0


def test_size_limits_per_file_and_per_report(app, client, pledge):
    old = {k: app.config[k] for k in ("EVIDENCE_MAX_FILE_BYTES", "EVIDENCE_MAX_REPORT_BYTES", "EVIDENCE_MAX_FILES")}
    app.config.update(EVIDENCE_MAX_FILE_BYTES=2000, EVIDENCE_MAX_REPORT_BYTES=3000, EVIDENCE_MAX_FILES=3)
    try:
        big = PDF + b"0" * 2500
        response = _post(client, pledge, [(big, "big.pdf")])
        assert response.status_code == 422 and "each file can be at most" in response.text
        two = PDF + b"0" * 1700
        response = _post(client, pledge, [(two, "a.pdf"), (two, "b.pdf")])
        assert response.status_code == 422 and "at most" in response.text and "together" in response.text
        response = _post(client, pledge, [(PDF, f"{n}.pdf") for n in range(4)])
        assert response.status_code == 422 and "at most 3 files" in response.text
        assert _count() == 0
        assert _post(client, pledge, [(two, "a.pdf")]).status_code == 302
        assert _count() == 1
    finally:
        app.config.update(old)


def test_a_request_larger_than_the_report_limit_is_refused_before_reading(app, client, pledge):
    old = app.config["EVIDENCE_MAX_REPORT_BYTES"]
    app.config["EVIDENCE_MAX_REPORT_BYTES"] = 10_000
    try:
        response = _post(client, pledge, [(PDF + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 20_000), "huge.pdf")])
        assert response.status_code == 413
        assert _count() == 0
    finally:
        app.config["EVIDENCE_MAX_REPORT_BYTES"] = old


def _approve(report_id: int) -> None:
    report = db.session.get(ProgressReport, report_id)
    report.status = ReviewStatus.APPROVED
    report.approved_at = report.decided_at = report.submitted_at
    db.session.commit()


def test_served_only_as_a_download_and_public_only_after_approval(client, pledge, login):
    assert _post(client, pledge, [(PDF, "Rapport été.pdf")]).status_code == 302
    evidence = db.session.scalars(select(EvidenceFile)).one()
    public = f"/evidence/{evidence.id}/{evidence.filename}"
    assert client.get(public).status_code == 404  # submitted, not approved
    assert "Rapport" not in client.get(f"/pledges/{pledge.reference}").text
    own = client.get(f"/my/{_token(pledge)}/files/{evidence.id}")  # the focal point sees it before
    assert own.status_code == 200 and own.data == PDF

    _approve(evidence.report_id)
    response = client.get(public)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Rapport _t_.pdf\"; filename*=UTF-8''Rapport%20%C3%A9t%C3%A9.pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'; frame-ancestors 'none'"
    page = client.get(f"/pledges/{pledge.reference}")
    assert f'href="{public.replace(" ", "%20").replace("é", "%C3%A9")}"' in page.text or evidence.filename in page.text
    assert "Rapport été.pdf" in page.text
    api = client.get(f"/api/v1/pledges/{pledge.reference}").get_json()
    assert api["progress_reports"][0]["evidence_files"] == [
        f"http://127.0.0.1:5000/evidence/{evidence.id}/Rapport%20%C3%A9t%C3%A9.pdf"]


def test_staff_download_and_other_pledges_link(client, builder, pledge, login):
    assert _post(client, pledge, [(PNG, "photo.png")]).status_code == 302
    evidence = db.session.scalars(select(EvidenceFile)).one()
    other = builder.pledge()
    db.session.commit()
    assert client.get(f"/my/{_token(other)}/files/{evidence.id}").status_code == 404
    assert client.get(f"/review/evidence/{evidence.id}").status_code in (302, 401, 403)
    login("reviewer")
    staff = client.get(f"/review/evidence/{evidence.id}")
    assert staff.status_code == 200 and staff.headers["Content-Type"] == "image/png"
    assert staff.headers["Content-Disposition"].startswith("attachment;")


def test_resubmission_keeps_or_removes_files_and_adds_new_ones_within_the_limit(app, client, pledge):
    assert _post(client, pledge, [(PDF, "first.pdf")]).status_code == 302
    report = db.session.scalars(select(ProgressReport)).one()
    report.status = ReviewStatus.CHANGES_REQUESTED
    db.session.commit()
    old = app.config["EVIDENCE_MAX_FILES"]
    app.config["EVIDENCE_MAX_FILES"] = 2
    try:
        url = f"/my/{_token(pledge)}/reports/{report.reference}"
        data = {"period": "2025", "implementation_status": "on_track", "version": str(report.version),
                "narrative": "We connected 40 schools in Turkana county this year.",
                "evidence_files": [(io.BytesIO(PNG), "a.png"), (io.BytesIO(PNG), "b.png")]}
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 422 and "at most 2 files" in response.text
        first_id = db.session.scalars(select(EvidenceFile.id)).one()
        # Removing the first file makes room for two new ones.
        data["evidence_files"] = [(io.BytesIO(PNG), "a.png"), (io.BytesIO(PNG), "b.png")]
        data["remove_files"] = [str(first_id)]
        page = client.get(url).text
        assert f'name="remove_files" value="{first_id}"' in page
        assert client.post(url, data=data, content_type="multipart/form-data").status_code == 302
        assert [f.filename for f in db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id))] == [
            "a.png", "b.png"]
    finally:
        app.config["EVIDENCE_MAX_FILES"] = old


def test_exports_list_the_files_of_approved_reports_as_links(client, pledge):
    assert _post(client, pledge, [(PDF, "annual report.pdf")]).status_code == 302
    evidence = db.session.scalars(select(EvidenceFile)).one()
    rows = client.get("/data/pledges.json").get_json()
    record = rows[0] if isinstance(rows, list) else rows["pledges"][0]
    assert record["evidence_files"] == []  # not approved yet: not public
    _approve(evidence.report_id)
    rows = client.get("/data/pledges.json").get_json()
    record = rows[0] if isinstance(rows, list) else rows["pledges"][0]
    assert record["evidence_files"] == [f"http://127.0.0.1:5000/evidence/{evidence.id}/annual%20report.pdf"]
    csv_text = client.get("/data/pledges.csv").get_data(as_text=True)
    assert f"/evidence/{evidence.id}/annual%20report.pdf" in csv_text
    assert "focal" not in csv_text.lower().split("\n")[0]


def test_iati_lists_approved_evidence_as_valid_document_links(client, pledge):
    from lxml import etree

    from tests.opendata.test_iati import XSD

    assert _post(client, pledge, [(PDF, "annual report.pdf")]).status_code == 302
    evidence = db.session.scalars(select(EvidenceFile)).one()
    root = etree.fromstring(client.get("/data/iati-activities.xml").get_data())
    assert root.findall(".//document-link") == []
    _approve(evidence.report_id)
    root = etree.fromstring(client.get("/data/iati-activities.xml").get_data())
    (link,) = root.findall(".//document-link")
    assert link.get("url") == f"http://127.0.0.1:5000/evidence/{evidence.id}/annual%20report.pdf"
    assert link.get("format") == "application/pdf" and link.find("category").get("code") == "A08"
    assert link.findtext("title/narrative") == "annual report.pdf"
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(root)
