"""Hostile import files, as an attacker would craft them: each ends in the one clear import message
(FileError -> result.file_error, exit code 1 on the command line), never a traceback; rows past a
sheet's stale dimension are read; a CSV is checked one row at a time."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from p2c.extensions import db
from p2c.opendata.exports import write_xlsx
from p2c.opendata.imports import import_file
from tests.conftest import clean_database

NOT_XLSX = "The file is not a valid XLSX workbook."

LAUGHS = ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi", strict=True)) + "]>")
XXE = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def _rewrite(data: bytes, part: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


@pytest.fixture
def exported_xlsx(builder, tmp_path) -> bytes:
    """A valid export-format workbook with three pledges; the database is emptied again."""
    for n in range(3):
        builder.pledge(title=f"Connect {n} rural schools")
    db.session.commit()
    path = tmp_path / "export.xlsx"
    write_xlsx(path)
    clean_database()
    return path.read_bytes()


def _sheet_part(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))


def _import(tmp_path, data: bytes, name: str = "hostile.xlsx", dry_run: bool = True):
    path = tmp_path / name
    path.write_bytes(data)
    return import_file(path, dry_run=dry_run), path


def _with_doctype(doctype: str, entity: str):
    def change(body: bytes) -> bytes:
        text = body.decode("utf-8")
        text = re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + doctype, text, count=1)
        # The entity in the first text cell (inline string or shared string alike).
        text = re.sub(r"<(t|v)>", lambda m: f"<{m.group(1)}>&{entity};", text, count=1)
        return text.encode("utf-8")
    return change


@pytest.mark.parametrize(("doctype", "entity"), [(LAUGHS, "i"), (XXE, "e")], ids=["billion-laughs", "xxe"])
def test_xml_entities_in_the_sheet_end_in_the_one_message(app, tmp_path, exported_xlsx, doctype, entity):
    hostile = _rewrite(exported_xlsx, _sheet_part(exported_xlsx), _with_doctype(doctype, entity))
    result, path = _import(tmp_path, hostile)
    assert result.file_error == NOT_XLSX and not result.errors, (result.file_error, result.errors[:3])
    output = app.test_cli_runner().invoke(args=["p2c", "import", str(path)])
    assert output.exit_code == 1 and NOT_XLSX in output.output and "Traceback" not in output.output


@pytest.mark.parametrize(("doctype", "entity"), [(LAUGHS, "i"), (XXE, "e")], ids=["billion-laughs", "xxe"])
def test_xml_entities_elsewhere_are_never_expanded(app, tmp_path, exported_xlsx, doctype, entity):
    """The other parts are parsed with entity resolution off: the file is refused or read as it is."""
    def change(body: bytes) -> bytes:
        return _with_doctype(doctype, entity)(body).replace(b'name="', b'name="&' + entity.encode() + b";", 1)

    hostile = _rewrite(exported_xlsx, "xl/workbook.xml", change)
    result, path = _import(tmp_path, hostile)
    assert result.file_error in ("", NOT_XLSX), result.file_error
    assert result.file_error or result.rows == 3
    output = app.test_cli_runner().invoke(args=["p2c", "import", "--dry-run", str(path)])
    assert "Traceback" not in output.output and "root:" not in output.output


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, exported_xlsx):
    part = _sheet_part(exported_xlsx)
    bomb = _rewrite(exported_xlsx, part, lambda body: body.replace(b"<sheetData>", b"<sheetData>" + b" " * 300_000_000))
    assert len(bomb) < 2_000_000
    result, _path = _import(tmp_path, bomb)
    assert "unpacks to far more data" in result.file_error


def test_garbage_and_truncated_workbooks(tmp_path, exported_xlsx):
    for data in (b"PK\x03\x04" + b"\x00" * 100, exported_xlsx[: len(exported_xlsx) // 2],
                 _rewrite(exported_xlsx, _sheet_part(exported_xlsx), lambda body: body[: len(body) // 2])):
        result, _path = _import(tmp_path, data)
        assert result.file_error == NOT_XLSX, result.file_error


def test_rows_past_a_stale_dimension_are_read(tmp_path, exported_xlsx):
    part = _sheet_part(exported_xlsx)

    def stale(body: bytes) -> bytes:
        # A writer that recorded only the header and the first row (our export writes no dimension).
        body = re.sub(rb"<dimension [^>]*/>", b"", body)
        return body.replace(b"<sheetViews>", b'<dimension ref="A1:ZZ2"/><sheetViews>', 1)

    changed = _rewrite(exported_xlsx, part, stale)
    with zipfile.ZipFile(io.BytesIO(changed)) as archive:
        assert b'<dimension ref="A1:ZZ2"/>' in archive.read(part)
    result, path = _import(tmp_path, changed, dry_run=False)
    assert result.ok, result.errors[:3]
    assert result.rows == 3 and result.created == 3


def test_json_nested_past_the_parser_is_the_one_message(tmp_path):
    result, _path = _import(tmp_path, b"[" * 100_000 + b"]" * 100_000, name="deep.json")
    assert result.file_error == "The JSON file must hold one array of objects, as the JSON export does."


def test_a_bad_byte_deep_in_a_csv_names_its_line(client, builder, tmp_path):
    builder.pledge()
    db.session.commit()
    text = client.get("/data/pledges.csv").get_data()
    clean_database()
    header, row = text.split(b"\r\n", 1)[0], text.split(b"\r\n", 1)[1].split(b"\r\n")[0]
    rows = [row.replace(b"P2C-", b"P2C-%d" % n, 1) for n in range(5000)]
    rows[4000] = rows[4000].replace(b"Connect", b"Conn\xffect", 1)
    result, _path = _import(tmp_path, b"\r\n".join([header, *rows]) + b"\r\n", name="big.csv")
    assert "line 4002" in result.file_error, result.file_error
