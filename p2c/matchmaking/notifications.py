"""The matchmaking e-mails (need received, introduction made), composed and queued here (p2c.core.mail)."""

from __future__ import annotations

from p2c.core.mail import queue_mail
from p2c.core.tokens import absolute_url, private_link


def need_link(need, lang: str | None = None) -> str:
    """A fresh absolute private link to the need's page for its submitter, opening in `lang` (default:
    the language the need was submitted in)."""
    return private_link("need", need.id, need.contact.email, "/need", lang=lang or need.language)


def need_received(need) -> None:
    """Acknowledge a submitted need, with the private link, in the language the form was used in."""
    queue_mail(need.contact.email, "matchmaking_need_received", need.language, "need_received",
               need=need, contact=need.contact, link=need_link(need))


def introduction_made(intro) -> None:
    """Both sides get the other's contact: the only place the platform shares them."""
    need, pledge = intro.need, intro.pledge
    need_contact, pledge_contact = need.contact, pledge.focal_point
    need_url = absolute_url(f"/needs/{need.id}")
    pledge_url = absolute_url(f"/pledges/{pledge.reference}")
    queue_mail(need_contact.email, "matchmaking_introduction", need.language or need_contact.language,
               "introduction", me=need_contact, other=pledge_contact, other_org=pledge.lead_organization.name,
               need=need, pledge=pledge, need_url=need_url, pledge_url=pledge_url, to_need=True)
    queue_mail(pledge_contact.email, "matchmaking_introduction", pledge.language or pledge_contact.language,
               "introduction", me=pledge_contact, other=need_contact, other_org=need.authority,
               need=need, pledge=pledge, need_url=need_url, pledge_url=pledge_url, to_need=False)
