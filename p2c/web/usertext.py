"""Text written by a person (titles, descriptions, narratives, organization names, comments), marked
with its language and direction: the one way templates output such text (`user_text` filter/global).

Why: on an Arabic page an English title inherits right-to-left direction and its final period jumps
to the start (".5G for 100 schools (phase 1)"); on an English page an Arabic name runs the wrong way.
Each piece of user text is therefore its own bidi island (an element with `dir`), with `lang` so
screen readers pronounce it right. tests/web/test_user_text_templates.py fails on a template that
outputs a user-text field without it.

Block text keeps the writer's structure in a safe subset: blank-line paragraphs, "- item" / "* item"
lists and line breaks; everything else is escaped (no HTML from the writer ever reaches the page).
"""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup, escape

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
_LIST_ITEM = re.compile(r"^\s*[-*•]\s+(.*)$")


def strong_direction(text: str) -> str | None:
    """'ltr' or 'rtl' from the first strong character of `text` (Unicode bidi classes L, R, AL); None
    when it has none (digits and punctuation only)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def _has_direction(text: str, direction: str) -> bool:
    wanted = ("R", "AL") if direction == "rtl" else ("L",)
    return any(unicodedata.bidirectional(ch) in wanted for ch in text)


def text_attributes(text: str, lang: str | None, languages: tuple[str, ...] | list[str]) -> tuple[str, str]:
    """(lang code or "", 'ltr'|'rtl'|'auto') for a piece of user text.

    The record's language gives both when the text has letters of that language's direction ("5G
    للمدارس" recorded in Arabic is right-to-left although it starts with Latin letters). When it has
    none (an English title on a record marked Arabic), the language is not claimed and the first
    strong character decides; with neither, the browser decides (dir="auto").
    """
    text = text or ""
    code = lang if lang in languages else ""
    if code:
        direction = "rtl" if code in RTL_LANGUAGES else "ltr"
        if _has_direction(text, direction):
            return code, direction
        code = ""
    return code, strong_direction(text) or "auto"


def render_blocks(text: str) -> Markup:
    """Paragraphs (blank lines), "- item" lists and line breaks as HTML; all text escaped."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        # Runs of ("p", lines) and ("ul", items) in the order written.
        runs: list[tuple[str, list[str]]] = []
        for line in (line for line in block.split("\n") if line.strip()):
            item = _LIST_ITEM.match(line)
            if item:
                if not runs or runs[-1][0] != "ul":
                    runs.append(("ul", []))
                runs[-1][1].append(str(escape(item.group(1).strip())))
            elif runs and runs[-1][0] == "ul" and line[:1].isspace():
                runs[-1][1][-1] += " " + str(escape(line.strip()))  # an indented line continues the item
            else:
                if not runs or runs[-1][0] != "p":
                    runs.append(("p", []))
                runs[-1][1].append(str(escape(line.strip())))
        for kind, parts in runs:
            if kind == "p":
                out.append("<p>" + "<br>".join(parts) + "</p>")
            else:
                out.append("<ul>" + "".join(f"<li>{i}</li>" for i in parts) + "</ul>")
    return Markup("".join(out))  # noqa: S704 - every piece of text is escaped above


def user_text(text: object, lang: str | None = None, block: bool = False, class_: str = "",
              languages: tuple[str, ...] | list[str] = ()) -> Markup:
    """`text` as an element carrying its language and direction.

    block=False gives a <span> (titles, names, table cells); block=True a <div> of paragraphs and
    lists (descriptions, narratives, comments). None or "" gives an empty string.
    """
    if text is None or str(text) == "":
        return Markup("")
    value = str(text)
    code, direction = text_attributes(value, lang, languages)
    tag = "div" if block else "span"
    attrs = f' lang="{code}"' if code else ""
    classes = ("user-text " + class_).strip()
    body = render_blocks(value) if block else escape(value)
    # tag, code and direction are ours (fixed sets); the text and classes are escaped.
    return Markup(f'<{tag} class="{escape(classes)}"{attrs} dir="{direction}">{body}</{tag}>')  # noqa: S704
