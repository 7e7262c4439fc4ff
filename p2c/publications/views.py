"""Published progress reports: /reports, /reports/<slug>(.json|.csv|.pdf), /reports/compare, /admin/reports/new."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from p2c.core.auth import admin_required
from p2c.core.enums import ImplementationStatus, ReportingStatus
from p2c.core.i18n import current_language, ref_name
from p2c.core.pdf import html_to_pdf
from p2c.core.unit import attempt, unit_of_work
from p2c.extensions import cache, limiter
from p2c.publications import queries, services
from p2c.publications.forms import PublishForm
from p2c.reporting.titles import goal_title
from p2c.reporting.views import TITLES as BREAKDOWN_TITLES
from p2c.reporting.views import TOP_COUNTRIES, row_label_html

bp = Blueprint("publications", __name__, template_folder="templates")

# PDFs per client and minute (each uncached one costs seconds of CPU); cached ones are cheap.
PDF_RATE_LIMIT = "20 per minute"


@bp.context_processor
def _helpers() -> dict:
    """Names for the codes stored in a report, in the reader's language."""

    def focus_area_name(code: str) -> str:
        names = queries.focus_area_names()
        return ref_name(names[code]) if code in names else code

    def implementation_title(code: str) -> str:
        return ImplementationStatus(code).title if code in ImplementationStatus.values() else code

    def reporting_title(code: str) -> str:
        return ReportingStatus(code).title if code in ReportingStatus.values() else code

    def iso_date(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    def breakdown_title(dimension: str) -> str:
        # The progress page's titles and row labels, so a report reads like /progress.
        return str(BREAKDOWN_TITLES[dimension]) if dimension in BREAKDOWN_TITLES else dimension

    def frozen_goal_title(goal: dict, indicators: list[dict] | None) -> tuple[str, bool]:
        # The same title as on /progress: in the reader's language unless the admin wrote their own.
        return goal_title(goal, {i["code"]: i["name"] for i in indicators or []})

    def translations_of(content: dict, part: str) -> dict[str, str]:
        # {language: text} of the team's translations of the title or one section, frozen in the report.
        return {lang: texts[part] for lang, texts in (content.get("translations") or {}).items() if part in texts}

    return {"translations_of": translations_of, "focus_area_name": focus_area_name,
            "implementation_title": implementation_title,
            "reporting_title": reporting_title, "iso_date": iso_date, "breakdown_title": breakdown_title,
            "breakdown_label": row_label_html, "top_countries": TOP_COUNTRIES, "goal_title": frozen_goal_title}


@bp.get("/reports")
def index():
    """Every published report."""
    return render_template("publications/index.html", publications=queries.all_publications())


def _get(slug: str):
    publication = queries.by_slug(slug)
    if publication is None:
        abort(404)
    return publication


@bp.get("/reports/<slug>")
def detail(slug: str):
    """A published report, readable and printable in the reader's language."""
    publication = _get(slug)
    others = [p for p in queries.all_publications() if p.id != publication.id]
    return render_template("publications/detail.html", pub=publication, c=publication.content,
                           verified=queries.verify(publication), others=others,
                           whole_counts=queries.counts_whole(publication.content))


@bp.get("/reports/<slug>.json")
def detail_json(slug: str):
    """The report's frozen data as its canonical JSON (hash it with SHA-256 to check it)."""
    publication = _get(slug)
    response = Response(queries.canonical_text(publication), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{publication.slug}.json"'
    response.headers["X-Content-SHA256"] = publication.content_hash
    return response


@bp.get("/reports/<slug>.csv")
def detail_csv(slug: str):
    """The report's frozen data as CSV (section, item, metric, value)."""
    publication = _get(slug)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(queries.csv_rows(publication))
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{publication.slug}.csv"'
    response.headers["X-Content-SHA256"] = publication.content_hash
    return response


@bp.get("/reports/<slug>.pdf")
@limiter.limit(PDF_RATE_LIMIT)
def detail_pdf(slug: str):
    """The report as a PDF in the reader's language: its page, a table of contents, page numbers and the
    data's SHA-256 on every page (WeasyPrint, p2c/core/pdf.py). A report never changes, so each language's
    PDF is made once and cached (keyed on the data's hash); making one costs seconds of CPU."""
    publication = _get(slug)
    lang = current_language()
    key = f"report-pdf:{publication.slug}:{lang}:{publication.content_hash}"
    pdf = cache.get(key)
    if pdf is None:
        html = render_template("publications/detail.html", pub=publication, c=publication.content,
                               verified=queries.verify(publication), others=[], pdf=True,
                               whole_counts=queries.counts_whole(publication.content),
                               layout="publications/pdf_base.html")
        # Links in the PDF point at the configured site, never at a Host header a client chose.
        pdf = html_to_pdf(html, base_url=current_app.config["BASE_URL"].rstrip("/") + "/")
        cache.set(key, pdf, ttl=24 * 3600)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{publication.slug}-{lang}.pdf"'
    response.headers["X-Content-SHA256"] = publication.content_hash
    response.headers["Content-Language"] = lang
    return response


@bp.get("/reports/compare")
def compare():
    """Two reports side by side: new pledges, value added, status changes."""
    publications = queries.all_publications()
    a_slug, b_slug = request.args.get("a", ""), request.args.get("b", "")
    comparison, message, status = None, None, 200
    if a_slug or b_slug:
        a, b = queries.by_slug(a_slug), queries.by_slug(b_slug)
        if a is None or b is None:
            message, status = _("Choose two published reports."), 404
        elif a.id == b.id:
            message, status = _("Choose two different reports."), 400
        else:
            comparison = queries.compare(a, b)
    return render_template("publications/compare.html", publications=publications, comparison=comparison,
                           message=message, a_slug=a_slug, b_slug=b_slug), status


@bp.route("/admin/reports/new", methods=["GET", "POST"])
@admin_required
@unit_of_work
def new():
    """An administrator publishes a report for a cut-off date."""
    form = PublishForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            with attempt(form) as done:
                publication = services.publish(form.title.data, form.cutoff.data, form.slug.data or None,
                                               form.sections(), user_id=current_user.id,
                                               translations=form.translations())
            if done.error is None:
                flash(_("The report “%(title)s” is published. It will never change.", title=publication.title),
                      "success")
                return redirect(url_for("publications.detail", slug=publication.slug))
    return render_template("publications/new.html", form=form), status
