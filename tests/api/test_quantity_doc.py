"""The OpenAPI description of a count-or-money field: its own description then the rule in parentheses, or
the rule alone as a sentence when the field has none (never a description starting with "(")."""

from __future__ import annotations

from p2c.core.counts import QUANTITY_DOC


def test_quantity_descriptions_never_start_with_a_parenthesis(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    descriptions = {(name, field): prop.get("description", "")
                    for name, schema in schemas.items() for field, prop in (schema.get("properties") or {}).items()
                    if QUANTITY_DOC[1:40] in prop.get("description", "")}
    assert len(descriptions) >= 10
    assert [key for key, text in descriptions.items() if text.startswith("(")] == []
    bare = [text for text in descriptions.values() if not text.endswith(")")]
    assert bare and set(bare) == {"A" + QUANTITY_DOC[1:]}
    assert "pledged targets, summed (" + QUANTITY_DOC + ")" in descriptions.values()
