"""Limits of organization and contact fields, shared by the EOI form, the pledge form's lead
organization, the back-office's organization form and the API schemas."""

from __future__ import annotations

ORG_NAME_MAX = 250
ACRONYM_MAX = 40
PERSON_NAME_MAX = 200


def eoi_reference(year: int, eoi_id: int) -> str:
    """The reference of an expression of interest, e.g. EOI-2026-00007."""
    return f"EOI-{year}-{eoi_id:05d}"
