"""A private link opens its pages in the language of the e-mail that carried it (signed into the token,
not a query string), unless the reader chose another language on this site."""

from __future__ import annotations

import re

from p2c.core.tokens import make_token, read_token, token_language
from tests.pledges.formdata import valid_pledge
from tests.smtp import LocalSmtpServer

LINK = re.compile(r"https?://\S+?(/my/\S+)")
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def _mailed_path(client, mail_to) -> str:
    assert client.post("/pledges/new?lang=fr", data=valid_pledge()).status_code == 302
    return LINK.search(LocalSmtpServer.text_of(mail_to.wait_for(1)[-1])).group(1)


def test_the_mailed_link_opens_in_the_mails_language_on_another_browser(app, client, mail_to):
    path = _mailed_path(client, mail_to)
    assert "lang=" not in path  # a path can be appended to the link as it is
    reader = app.test_client()  # the focal point's other browser: English, no choice made on this site
    page = reader.get(path, headers=ENGLISH)
    assert page.status_code == 200 and '<html lang="fr" dir="ltr">' in page.text
    assert '<html lang="fr"' in reader.get(path + "/withdraw", headers=ENGLISH).text
    # The public pages opened after it in this browser session follow it, without a lasting choice.
    assert '<html lang="fr"' in reader.get("/", headers=ENGLISH).text
    assert reader.get_cookie("p2c_lang") is None
    assert reader.get_cookie("p2c_link_lang").expires is None  # a session cookie


def test_a_later_link_in_another_language_opens_in_its_own(app, client, mail_to):
    path = _mailed_path(client, mail_to)
    with app.test_request_context():
        spanish = "/my/" + make_token("pledge", 1, "someone@example.org", "es")
    reader = app.test_client()
    assert '<html lang="fr"' in reader.get(path, headers=ENGLISH).text
    assert '<html lang="es"' in reader.get(spanish, headers=ENGLISH).text  # not the first link's French
    assert '<html lang="es"' in reader.get("/", headers=ENGLISH).text
    assert '<html lang="fr"' in reader.get(path, headers=ENGLISH).text


def test_a_language_the_reader_chose_outranks_the_links(app, client, mail_to):
    path = _mailed_path(client, mail_to)
    reader = app.test_client()
    reader.get("/?lang=ar")
    assert '<html lang="ar" dir="rtl">' in reader.get(path, headers=ENGLISH).text
    assert '<html lang="en"' in reader.get(path + "?lang=en").text
    assert '<html lang="en"' in reader.get(path + "/withdraw").text  # the new choice sticks under the link


def test_the_language_is_signed_and_only_read_under_my(app):
    with app.test_request_context():
        token = make_token("pledge", 7, "Jane@Example.org", "zh")
        assert read_token(token).lang == "zh" and token_language(token) == "zh"
        assert read_token(make_token("pledge", 7, "jane@example.org")).lang == ""
        assert token_language(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) == ""
    reader = app.test_client()
    # A tampered token: a 403 page in the browser's language, nothing taken from the token.
    response = reader.get("/my/" + token[:-2] + ("AA" if not token.endswith("AA") else "BB"), headers=ENGLISH)
    assert response.status_code == 403 and '<html lang="en"' in response.text
    response = reader.get("/my/" + token, headers=ENGLISH)  # no such pledge: still a page in the link's language
    assert '<html lang="zh"' in response.text
