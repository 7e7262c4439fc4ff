"""Reference data: countries, focus areas and pillars, SDGs, WSIS lines, indicators, currencies, rates."""
