"""Site navigation. Entries whose endpoint is not registered (feature not installed) are left out."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

MAIN_NAV = [
    ("web.home", _l("Home")),
    ("members.join", _l("Join")),
    ("pledges.new", _l("Make a pledge")),
    ("pledges.directory", _l("Pledges")),
    ("matchmaking.index", _l("Country needs")),
    ("reporting.progress", _l("Progress")),
    ("publications.index", _l("Reports")),
    ("opendata.index", _l("Open data")),
]

FOOTER_NAV = [
    ("access.request_link", _l("Focal points: get your private link")),
    ("events.index", _l("Pledging events")),
    ("opendata.index", _l("Open data and API")),
    ("accounts.login", _l("Coalition team login")),
    ("web.contact", _l("Contact")),
    ("web.privacy", _l("Privacy")),
]

HOME_CARDS = [
    ("members.join", _l("Join the coalition"),
     _l("Tell us about your organization and the focus areas you want to work in.")),
    ("pledges.new", _l("Make a pledge"),
     _l("Commit to an action that brings connectivity, skills or investment where it is needed most.")),
    ("pledges.directory", _l("Browse the pledges"),
     _l("Search every approved pledge by country, focus area, type and beneficiaries.")),
    ("reporting.progress", _l("See the progress"),
     _l("How far the pledges go toward the coalition's goals and the 2030 targets.")),
]


def _registered(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def nav_items() -> list[tuple[str, str]]:
    """Main navigation entries (endpoint, label)."""
    return [(e, str(label)) for e, label in MAIN_NAV if _registered(e)]


def footer_items() -> list[tuple[str, str]]:
    """Footer links (endpoint, label)."""
    return [(e, str(label)) for e, label in FOOTER_NAV if _registered(e)]


def home_cards() -> list[dict]:
    """Cards on the home page."""
    return [
        {"endpoint": e, "title": str(t), "text": str(x)} for e, t, x in HOME_CARDS if _registered(e)
    ]
