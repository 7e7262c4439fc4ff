"""Rate limits of the public submission forms (/join, /pledge, the private-link pages), in one place.

The login limit is LOGIN_RATE_LIMIT (accounts), the write API's is `p2c.api.write`, the
organization search's is on its route (members.views).

A person who corrects a long form several times must never be locked out of it: the per-address
submission limit counts only submissions that were saved (the redirect to the confirmation page),
not previews or forms sent back with errors. A looser limit on every POST still stops a client that
hammers the validation.
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
