"""Spreadsheet cells that never run: the rule the public and staff CSV exports share, and its inverse
that the import applies, so an export reads back exactly (README "Open data": formula protection).

It lives in core because both the open-data exports and the review queue's CSV write cells with it.
"""

from __future__ import annotations

import re

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def protect_formula(cell: str) -> str:
    """A CSV cell that no spreadsheet runs: one apostrophe before a text that starts (after any apostrophes)
    with = + - @ tab or CR. `unprotect_formula` undoes it exactly, so the import reads the export back."""
    return "'" + cell if cell and cell[0] in "=+-@\t\r'" and _FORMULA.match(cell) else cell


def unprotect_formula(cell: str) -> str:
    """Inverse of `protect_formula`: drop one apostrophe before apostrophes and a formula character."""
    return cell[1:] if cell[:1] == "'" and _FORMULA.match(cell[1:]) else cell
