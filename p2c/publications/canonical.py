"""Canonical JSON and the content hash of a published report.

Canonical form: keys sorted, no insignificant whitespace, UTF-8, decimals as strings, dates as ISO
strings. The SHA-256 of that text is the report's `content_hash`; anyone can recompute it from the
JSON download.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    """A JSON-ready copy: Decimal -> str, date -> ISO string, enum -> value, tuples -> lists."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def canonical_json(content: Any) -> str:
    """The canonical JSON text of `content`."""
    return json.dumps(plain(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(content: Any) -> str:
    """SHA-256 (hex) of the canonical JSON."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def freeze(content: Any) -> tuple[dict, str]:
    """(content as it will be stored, its hash): the stored dict is parsed back from the canonical text,
    so what is stored, served and hashed is exactly the same."""
    text = canonical_json(content)
    return json.loads(text), hashlib.sha256(text.encode("utf-8")).hexdigest()
