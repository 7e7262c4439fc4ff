"""Rate limits of the public submission forms (/join, /pledge, the private-link pages), in one place.

The login limit is LOGIN_RATE_LIMIT (accounts), the write API's is `p2c.api.write`, the
organization search's is on its route (members.views).

A person who corrects a long form several times must never be locked out of it: the per-address
submission limit counts only submissions that were saved (the redirect to the confirmation page),
not previews or forms sent back with errors. A looser limit on every POST still stops a client that
hammers the validation.

A pledging event: delegates share one venue address. The form then carries the event's access code
(admins issue it, /admin/events; the venue's link is /pledges/new?code=...). With a valid code the
saved-submission limit counts per person (address + the focal point's e-mail) instead of per address,
under a cap per event (P2C_EVENT_SUBMISSION_LIMIT); without one nothing changes. A stranger without the
code gains nothing, and a leaked code allows at most the event cap, every submission still reviewed.
The keys that read the code are p2c.members.webforms.submission_key / event_key / any_post_key.
"""

from __future__ import annotations

from flask import Response, current_app

ANY_POST_LIMIT = "60 per minute"


def submission_limit() -> str:
    """The configured limit of saved submissions per client address (P2C_SUBMISSION_RATE_LIMIT)."""
    return current_app.config["SUBMISSION_RATE_LIMIT"]


def saved(response: Response) -> bool:
    """True when the POST saved something: the forms answer a saved submission with a redirect."""
    return response.status_code in (302, 303)


def event_limit() -> str:
    """Saved submissions per event access code (P2C_EVENT_SUBMISSION_LIMIT)."""
    return current_app.config.get("EVENT_SUBMISSION_LIMIT", "1000 per day")
