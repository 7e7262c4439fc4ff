"""The follows feature's e-mail: the opt-in confirmation and the digest (with List-Unsubscribe headers)."""

from __future__ import annotations

from flask_babel import force_locale

from p2c.core.mail import queue_mail
from p2c.core.tokens import absolute_url, make_token
from p2c.follows.models import Follow

CONFIRM_KIND = "follow_confirm"
STOP_KIND = "follow_stop"


def confirm_link(follow: Follow) -> str:
    return absolute_url(f"/follow/confirm/{make_token(CONFIRM_KIND, follow.id, follow.email)}")


def stop_link(follow: Follow) -> str:
    return absolute_url(f"/follow/stop/{make_token(STOP_KIND, follow.id, follow.email)}")


def confirm_follow(follow: Follow) -> None:
    """Double opt-in: nothing is sent to this address again unless its owner opens this link."""
    from p2c.follows import queries

    with force_locale(follow.language):
        subject = queries.subject(follow.target_kind, follow.target_key)
    queue_mail(follow.email, "follow_confirm", follow.language, "follow_confirm", link=confirm_link(follow),
               subject_name=subject.name if subject else follow.target_key)


def digest(follow: Follow, subject, items: list) -> None:
    """What was approved about the subject; one-click unsubscribe (RFC 8058) in the headers and the text."""
    stop = stop_link(follow)
    headers = {"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
               "List-Id": f"Partner2Connect follows <{follow.target_kind}.follows.p2c>"}
    links = {item.key: absolute_url(f"/pledges/{item.pledge_reference}") for item in items}
    queue_mail(follow.email, "follow_digest", follow.language, "follow_digest", headers=headers,
               subject_name=subject.name, items=items, links=links, stop_link=stop,
               page=absolute_url(subject.page))
