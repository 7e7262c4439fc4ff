"""Text written by a person always carries its language and direction.

The template guard reads every HTML template and fails on an output expression that shows a
user-text field (titles, descriptions, narratives, names, comments ...) without the `user_text`
filter; the unit tests pin what the filter renders.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import Markup

from p2c.web.usertext import render_blocks, text_attributes, user_text

ROOT = Path(__file__).resolve().parents[2] / "p2c"
LANGS = ("en", "ar", "es", "fr", "ru", "zh")

# Attributes that hold text a person wrote (records, organizations, comments, audit labels).
USER_FIELDS = re.compile(
    r"\b[\w\]\)]+\.(title|description|narrative|contribution|body|reason|acronym|name|lead_name|"
    r"author_label|actor_label|subject_label)\b(?!\s*\()")
# Objects whose .title / .name is ours, not a person's: enum titles, resource and card labels, field
# labels, reference data (always through |ref), staff accounts' e-mails.
OURS = re.compile(
    r"\b(status|kind|implementation_status|figure_level|outcome|level|visibility|res|card|stype\.kind|label|sub\.label|s|"
    r"\w+_form\.\w+|form\.\w+|f|col|d\.reason|user|assignee|author)\.(title|name|text)\b|\bd\.reason\b")
# <title> and attribute values cannot hold an element: the page title block is left out.
TITLE_BLOCK = re.compile(r"\{%-?\s*block title\s*%\}.*?\{%-?\s*endblock\s*%\}", re.S)


# Expressions whose text is ours, where the guard's names alone cannot tell (file, expression).
EXEMPT = {
    # <option> cannot hold an element: the select's own text direction applies.
    ("publications/templates/publications/detail.html", "o.title"),
    # Names built from reference data and our own labels, already in the reader's language.
    ("implementation/templates/implementation/compliance.html", "row.name"),
    ("publications/templates/publications/_macros.html", "breakdown_label(b.dimension, r.key, r.name)"),
    # Reference-data names and codes (focus areas, countries, regions, years); organizations go through user_text.
    ("reporting/templates/reporting/_finance.html", "finance_label(b.dimension, r.key, r.name)"),
    ("reporting/templates/reporting/_progress_body.html", "c.title"),
    ("reporting/templates/reporting/_progress_body.html", "timeline.title"),
    ("review/templates/review/queue.html", "r.title"),
    # Enum titles (who submitted a need, who asked for an introduction).
    ("matchmaking/templates/matchmaking/_facts.html", "need.submitter_kind.title"),
    ("matchmaking/templates/matchmaking/introductions.html",
     '_("Asked by: %(side)s, %(date)s", side=i.requested_by.title, date=i.requested_at|datetime("short"))'),
    # The worker's job names are our own codes (mail, reminders, digests, checks).
    ("operations/templates/operations/health.html", "job.name"),
    # The goal title of a built-in goal is a translated msgid (custom goals go through user_text).
    ("reporting/templates/reporting/_progress_body.html", "g.title"),
    # Staff account names and our audit labels (e-mail, "submitter", "system").
    ("review/templates/review/_history.html", "e.actor_label"),
    ("review/templates/review/record.html", 'c.author.name if c.author else (c.author_label or _("submitter"))'),
}


def _expressions(source: str):
    for match in re.finditer(r"\{\{(.*?)\}\}", source, re.S):
        yield source.count("\n", 0, match.start()) + 1, match.group(1)


def _offences(source: str, name: str = "") -> list[str]:
    found = []
    source = TITLE_BLOCK.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    for line, expr in _expressions(source):
        if (name, expr.strip()) in EXEMPT:
            continue
        if re.match(r"\s*(field|input)\(", expr):
            continue  # a form field: the macros give its input dir="auto"
        cleaned = re.sub(r"\|\s*ref\b", "", OURS.sub("", expr))
        # An expression may name several fields; each one must be filtered. Strip the filtered ones.
        cleaned = re.sub(r"[\w.\[\]\"']+(\s*\|\s*\w+(\([^)]*\))?)*?\s*\|\s*user_text\b(\([^)]*\))?", "", cleaned)
        # team_text(english, translations): a team-written text in the reader's language, marked the same way;
        # team_string(...): the same choice as plain text, where no element can go (attributes, <option>).
        cleaned = re.sub(r"\bteam_(text|string)\([^)]*\)", "", cleaned)
        if re.search(r"\|\s*ref\b", expr) and not re.search(r"\.(title|description|narrative|body)", cleaned):
            continue
        hit = USER_FIELDS.search(cleaned)
        if hit:
            found.append(f"{line}: {{{{{expr.strip()}}}}}")
    return found


def test_every_template_marks_user_text():
    problems = []
    for path in sorted(ROOT.glob("**/templates/**/*.html")):
        name = str(path.relative_to(ROOT))
        for offence in _offences(path.read_text(encoding="utf-8"), name):
            problems.append(f"{path.relative_to(ROOT)}:{offence}")
    assert not problems, "user text shown without |user_text:\n" + "\n".join(problems)


@pytest.mark.parametrize("source, bad", [
    ("{{ pledge.title }}", True),
    ("{{ pledge.title|user_text(pledge.language) }}", False),
    ("{{ record.lead_organization.name }}", True),
    ("{{ record.status.title }}", False),
    ("{{ p.focus_area.name|ref }}", False),
    ('{{ _("of %(org)s", org=record.organization.name) }}', True),
    ('{{ _("of %(org)s", org=record.organization.name|user_text) }}', False),
    ("{{ c.body }}", True),
    ('{{ _("%(call)s opens", call=team_text(call.title, call.title_translations)) }}', False),
    ('{{ _("%(call)s opens", call=call.title) }}', True),
    ('<abbr title="{{ team_string(t.name, t.name_translations) }}">', False),
    ('<abbr title="{{ t.name }}">', True),
])
def test_the_guard_itself(source, bad):
    assert bool(_offences(source)) is bad


@pytest.mark.parametrize("text, lang, expected", [
    ("5G for 100 schools (phase 1).", "en", ("en", "ltr")),
    ("5G for 100 schools (phase 1).", "ar", ("", "ltr")),   # marked Arabic, written in English
    ("5G للمدارس", "ar", ("ar", "rtl")),                   # starts Latin, still Arabic
    ("مدارس متصلة.", None, ("", "rtl")),
    ("Écoles connectées", "fr", ("fr", "ltr")),
    ("连接学校", "zh", ("zh", "ltr")),
    ("2030", "en", ("", "auto")),
    ("x", "xx", ("", "ltr")),
])
def test_language_and_direction(text, lang, expected):
    assert text_attributes(text, lang, LANGS) == expected


def test_inline_escapes_and_marks():
    html = user_text("<b>A & B</b>", "en", languages=LANGS)
    assert isinstance(html, Markup)
    assert html == '<span class="user-text" lang="en" dir="ltr">&lt;b&gt;A &amp; B&lt;/b&gt;</span>'
    assert user_text(None) == "" and user_text("") == ""


def test_blocks_keep_paragraphs_and_lists():
    text = "First paragraph\nsecond line.\n\nWe will:\n- connect 100 schools\n- train <teachers>\n\nEnd."
    assert render_blocks(text) == (
        "<p>First paragraph<br>second line.</p><p>We will:</p>"
        "<ul><li>connect 100 schools</li><li>train &lt;teachers&gt;</li></ul><p>End.</p>")
    html = user_text(text, "en", block=True, languages=LANGS)
    assert html.startswith('<div class="user-text" lang="en" dir="ltr"><p>')


def test_blocks_escape_markup_and_links():
    assert render_blocks('<script>alert(1)</script>\n* <a href="x">y</a>') == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><ul><li>&lt;a href=&#34;x&#34;&gt;y&lt;/a&gt;</li></ul>")


def test_published_report_sections_keep_lists(client, app):
    from datetime import date

    from p2c.extensions import db
    from p2c.publications import services

    with app.test_request_context("/"):
        pub = services.publish("Report 2025", date(2025, 12, 31),
                               sections={"foreword": "We will:\n- connect schools\n- train teachers\n\nThanks."})
        db.session.commit()
    html = client.get(f"/reports/{pub.slug}").get_data(as_text=True)
    assert "<ul><li>connect schools</li><li>train teachers</li></ul><p>Thanks.</p>" in html
