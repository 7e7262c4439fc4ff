"""Valid form posts for the public forms; tests change one field at a time."""

from __future__ import annotations

import secrets


def nonce() -> str:
    """A fresh form nonce, as the form page would give."""
    return secrets.token_urlsafe(24)


def valid_pledge(**overrides) -> dict:
    """A complete, valid pledge form post (lists for multiple values)."""
    data = {
        "lead_name": "Acme Telecom", "lead_acronym": "ACME", "lead_stakeholder_group": "private_sector",
        "lead_country": "KEN", "lead_website": "acme.example.org",
        "partners": "Friends of Connectivity\nSchoolNet Africa",
        "title": "Connect 200 rural schools",
        "description": "Acme Telecom commits to connect 200 schools in Malawi reaching 80,000 students by 2028.",
        "language": "en", "focus_area": "connect", "pillars": ["connect.infrastructure"],
        "pledge_type": "programmatic", "amount": "1,500,000", "currency": "EUR",
        "countries": ["MWI", "ZMB"], "beneficiary_groups": ["youth", "schools"], "sdgs": ["4", "9"],
        "wsis_lines": ["C2"], "start_date": "2026-01-01", "end_date": "2028-12-31",
        "targets-0-indicator": "schools_connected", "targets-0-value": "200", "targets-0-year": "2028",
        "targets-0-baseline": "", "targets-1-indicator": "", "targets-1-value": "", "targets-1-year": "",
        "targets-1-baseline": "", "event": "", "focal_name": "Jane Doe", "focal_title": "Director",
        "focal_email": "jane@example.org", "focal_phone": "+41 22 730 5111", "consent": "y",
        "action": "submit", "form_nonce": nonce(), "homepage": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def valid_eoi(**overrides) -> dict:
    """A complete, valid expression of interest post."""
    data = {
        "org_name": "Connect Foundation", "org_acronym": "CF", "org_stakeholder_group": "foundation",
        "org_country": "SEN", "org_website": "https://cf.example.org", "focal_name": "Awa Diop",
        "focal_title": "Programme lead", "focal_email": "awa@example.org", "focal_phone": "",
        "focus_areas": ["connect", "empower"],
        "contribution": "We fund community networks in West Africa and can train local technicians.",
        "consent_public": "y", "form_nonce": nonce(), "homepage": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
