"""Every message as sent: Date, a Message-ID at our domain, a text and an HTML part in the recipient's
language (issue 12, "E-mail")."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest

from p2c.core.mail import compose, message_domain, queue_mail
from p2c.core.models import OutboxMessage
from tests.pledges.formdata import valid_pledge


@pytest.fixture
def base_url(app):
    old = app.config["BASE_URL"], app.config["MAIL_DEFAULT_SENDER"]
    yield app.config
    app.config["BASE_URL"], app.config["MAIL_DEFAULT_SENDER"] = old


@pytest.mark.parametrize(("base", "sender", "domain"), [
    ("https://partner2connect.itu.int", "Partner2Connect <p2c@itu.int>", "partner2connect.itu.int"),
    ("https://partner2connect.itu.int:8443/app", "p2c@itu.int", "partner2connect.itu.int"),
    ("http://127.0.0.1:5000", "Partner2Connect <noreply@itu.int>", "itu.int"),
    ("http://localhost:5000", "Partner2Connect <noreply@itu.int>", "itu.int"),
])
def test_the_message_id_is_at_the_site_s_or_the_sender_s_domain(app, base_url, base, sender, domain):
    base_url.update(BASE_URL=base, MAIL_DEFAULT_SENDER=sender)
    with app.app_context():
        assert message_domain() == domain


@pytest.mark.parametrize(("language", "direction", "words"), [
    ("ar", "rtl", "مرحبا"), ("zh", "ltr", "您好"), ("fr", "ltr", "Bonjour à vous"),
])
def test_a_message_has_date_message_id_and_both_parts_in_the_recipient_s_language(app, base_url, language,
                                                                                 direction, words):
    base_url.update(BASE_URL="https://partner2connect.itu.int")
    with app.app_context():
        message = OutboxMessage(recipient="focal@example.org", subject=f"{words} <P2C-2026-0001>",
                                body_text=f"{words},\n\nhttps://partner2connect.itu.int/my/abc?x=1&y=2.\n\nITU",
                                body_html="", language=language, kind="test")
        email = compose(message)
    assert parsedate_to_datetime(email["Date"]).tzinfo is not None
    assert email["Message-ID"].endswith("@partner2connect.itu.int>")
    assert email["Content-Language"] == language
    assert email.get_content_type() == "multipart/alternative"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert words in text and words in html
    assert f'<html lang="{language}" dir="{direction}">' in html
    # The link is live and escaped, the full stop after it stays text; the subject is escaped.
    assert '<a href="https://partner2connect.itu.int/my/abc?x=1&amp;y=2">' in html
    assert "&lt;P2C-2026-0001&gt;" in html


def test_a_real_confirmation_arrives_with_every_header_and_part(client, app, base_url, mail_to):
    base_url.update(BASE_URL="https://partner2connect.itu.int")
    assert client.post("/pledges/new?lang=es", data=valid_pledge(language="es")).status_code == 302
    message = mail_to.wait_for(1)[0]
    assert message["Date"] and message["Message-ID"].endswith("@partner2connect.itu.int>")
    parts = {part.get_content_type(): part for part in message.walk()}
    assert {"text/plain", "text/html"} <= set(parts)
    html = parts["text/html"].get_payload(decode=True).decode("utf-8")
    assert 'lang="es"' in html and 'href="https://partner2connect.itu.int/my/' in html


def test_queued_messages_keep_their_html_part(app):
    with app.test_request_context():
        item = {"reference": "P2C-2026-0001", "title": "Школы", "status": "approved",
                "link": "https://partner2connect.itu.int/my/t"}
        message = queue_mail("a@example.org", "access_links", "ru", "test", items=[item], link=item["link"])
        assert message.body_html.startswith("<!doctype html>") and 'lang="ru"' in message.body_html
        assert '<a href="https://partner2connect.itu.int/my/t">' in message.body_html and "Школы" in message.body_html
