"""Evidence files: what is accepted (the type read from the content, never the name), the limits, and the
download answer (always an attachment, with headers that stop a browser from running or guessing it).

Accepted: PDF, PNG, JPEG, WebP, and office documents (docx, xlsx, odt, ods). Limits (bytes, from the
configuration): EVIDENCE_MAX_FILE_BYTES per file, EVIDENCE_MAX_REPORT_BYTES for all files of a report,
EVIDENCE_MAX_FILES files per report.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

import filetype
from flask import Response, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Detected extension -> the Content-Type the download is served with.
ACCEPTED = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# Names people give these types (the name must agree with the content).
NAME_EXTENSIONS = {"jpeg": "jpg", "jpe": "jpg"}
ACCEPTED_LABEL = _l("PDF, PNG, JPEG, WebP, Word (.docx), Excel (.xlsx), OpenDocument text (.odt) or spreadsheet (.ods)")
# The HTML input's accept list (a hint for the file chooser; the server decides from the content).
ACCEPT_ATTRIBUTE = ",".join([f".{ext}" for ext in ACCEPTED] + [".jpeg"])
# What a download may never do: run, be framed, load anything.
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


@dataclass(frozen=True)
class CheckedFile:
    """An accepted file: a safe name (its extension the detected type's), the type, the bytes."""

    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def limits() -> tuple[int, int, int]:
    """(bytes per file, bytes per report, files per report), from the configuration."""
    cfg = current_app.config
    return cfg["EVIDENCE_MAX_FILE_BYTES"], cfg["EVIDENCE_MAX_REPORT_BYTES"], cfg["EVIDENCE_MAX_FILES"]


def megabytes(size: int) -> str:
    """A size for messages, in MB with one decimal."""
    from flask_babel import format_decimal

    return format_decimal(round(size / (1024 * 1024), 1), "#,##0.#")


def detected_extension(data: bytes) -> str | None:
    """The accepted type the bytes are (from their magic numbers and, for office files, the archive's
    members), or None."""
    kind = filetype.guess(data)
    if kind is None:
        return None
    ext = kind.extension
    return ext if ext in ACCEPTED else None


_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def _stem_and_extension(name: str) -> tuple[str, str]:
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "evidence"
    return stem[:120], ext.lower()


def check_file(name: str, data: bytes) -> CheckedFile:
    """Accept one uploaded file or raise ValueError with the message to show (in the reader's language)."""
    per_file, _per_report, _count = limits()
    shown = (name or "").rsplit("/", 1)[-1][:100]
    if not data:
        raise ValueError(_("The file %(name)s is empty.", name=shown))
    if len(data) > per_file:
        raise ValueError(_("The file %(name)s is %(size)s MB; each file can be at most %(max)s MB.",
                           name=shown, size=megabytes(len(data)), max=megabytes(per_file)))
    detected = detected_extension(data)
    if detected is None:
        raise ValueError(_("The file %(name)s is not of an accepted type. Accepted: %(types)s.",
                           name=shown, types=ACCEPTED_LABEL))
    stem, ext = _stem_and_extension(name)
    if NAME_EXTENSIONS.get(ext, ext) != detected:
        raise ValueError(_("The name of the file %(name)s does not match its content, which is a .%(type)s "
                           "file. Rename it with the right extension and attach it again.",
                           name=shown, type=detected))
    return CheckedFile(filename=f"{stem}.{detected}", content_type=ACCEPTED[detected], data=data)


def check_total(files: list[CheckedFile], kept_sizes: list[int]) -> None:
    """The per-report limits over the files kept and the new ones; raises ValueError."""
    _per_file, per_report, max_count = limits()
    if len(files) + len(kept_sizes) > max_count:
        raise ValueError(_("A report can have at most %(max)d files.", max=max_count))
    total = sum(f.size for f in files) + sum(kept_sizes)
    if total > per_report:
        raise ValueError(_("The files of one report can be at most %(max)s MB together (these are %(size)s MB).",
                           max=megabytes(per_report), size=megabytes(total)))


def download(evidence) -> Response:
    """The file as a download: attachment, its checked type, no sniffing, no running it in a page."""
    response = Response(evidence.data, mimetype=ACCEPTED.get(evidence.filename.rpartition(".")[2],
                                                             "application/octet-stream"))
    ascii_name = evidence.filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(evidence.filename)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Content-Length"] = str(evidence.size)
    return response
