"""The public pledge form (/pledges/new) and its confirmation page. Routes are added to p2c.pledges.blueprint.bp."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select

from p2c.core.db import utcnow
from p2c.core.errors import render_error
from p2c.core.i18n import current_language
from p2c.core.limits import ANY_POST_LIMIT, event_limit, saved, submission_limit
from p2c.core.numbers import currency_places, page_symbols
from p2c.core.unit import unit_of_work
from p2c.extensions import csrf, db, limiter
from p2c.members.queries import idempotent_result
from p2c.members.webforms import (
    any_post_key,
    event_key,
    mask_email,
    remember_submission,
    submission_key,
    submitted_here,
)
from p2c.pledges import constants as C
from p2c.pledges import draft_views, rules, services
from p2c.pledges.blueprint import bp
from p2c.pledges.forms import PledgeForm
from p2c.pledges.models import Pledge
from p2c.reference import catalog


def form_context(form: PledgeForm, **extra) -> dict:
    """What the form templates need besides the form: catalogue, rates for the live USD estimate."""
    today = utcnow().date()
    rates = catalog.current_rates(today)
    # The page script reads amounts like the server: the locale's symbols and each currency's decimals.
    number_format = {**page_symbols(), "places": {code: currency_places(code) for code in rates}}
    return {"form": form, "cat": catalog.catalog(), "rates": rates, "rates_year": today.year,
            "number_format": number_format, "max_targets": C.MAX_TARGETS, **extra}


def settle_countries(form: PledgeForm) -> None:
    """After a failed check, show shortcuts as the countries they stand for (Global stays a shortcut)."""
    countries, is_global, _ = rules.resolve_countries(form.countries.data or [], form.shortcuts.data or [])
    form.shortcuts.data = ["global"] if is_global else []
    if not is_global:
        form.countries.data = countries


def _confirmation(reference: str):
    remember_submission(reference)
    return redirect(url_for("pledges.submitted", reference=reference))


def _first_of_a_double_submit():
    """The same form sent twice at the same moment: the first one won; show it (None: not that case)."""
    seen = idempotent_result(services.NONCE_SCOPE, request.form.get("form_nonce", ""))
    pledge = db.session.get(Pledge, seen.result_id) if seen is not None and seen.result_id else None
    return _confirmation(pledge.reference) if pledge is not None else None


@bp.route("/pledges/new", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired session re-shows the form instead of losing it
@limiter.limit(submission_limit, methods=["POST"], deduct_when=saved, key_func=submission_key)
@limiter.limit(event_limit, methods=["POST"], deduct_when=saved, key_func=event_key)
@limiter.limit(ANY_POST_LIMIT, methods=["POST"], key_func=any_post_key)
@unit_of_work(on_integrity_error=_first_of_a_double_submit)
def new():
    """The pledge form: check (preview), then submit; one record per form, whatever the clicks."""
    form = PledgeForm()
    if request.method != "POST":
        # Most people write in the language they read the site in; they can change it.
        form.language.data = current_language()
        return render_template("pledges/form.html", **form_context(form))
    if form.is_bot:
        return render_template("pledges/form.html", **form_context(form, bot=True)), 400
    if request.form.get("action") == "save_draft":
        # A draft is not a submission: nothing is checked but its address, and the limit does not count it.
        return draft_views.save_pledge_draft(form, _form_again)
    valid = form.validate()
    if valid and request.form.get("action") != "preview":
        pledge, _ = services.create_pledge(form.cleaned, ui_language=current_language(),
                                           nonce=form.form_nonce.data)
        draft_views.finish_pledge_draft()
        return _confirmation(pledge.reference)
    seen = idempotent_result(services.NONCE_SCOPE, form.form_nonce.data)
    if seen is not None:
        # Back, then submit again (even with changes): the pledge exists already; show it.
        pledge = db.session.get(Pledge, seen.result_id)
        if pledge is not None:
            return _confirmation(pledge.reference)
    if not valid:
        settle_countries(form)
    return render_template("pledges/form.html", **form_context(form, preview=valid)), 200 if valid else 422


def _form_again(form: PledgeForm, **extra):
    """The form as sent (a draft continues: its hidden token stays), e.g. after a refused draft save."""
    return render_template("pledges/form.html", **form_context(form, **extra))


@bp.errorhandler(429)
def too_many_submissions(error):
    """A submission refused by the rate limit keeps everything typed: the form again, saying what to do."""
    if request.method != "POST" or request.endpoint != "pledges.new":
        return render_error(429)
    form = PledgeForm()
    return render_template("pledges/form.html", **form_context(form, limited=True)), 429


@bp.get("/pledges/submitted/<reference>")
def submitted(reference: str):
    """The confirmation page, for the browser that submitted the pledge only (pending pledges are private)."""
    if len(reference) > 24 or not submitted_here(reference):
        abort(404)
    pledge = db.session.scalars(select(Pledge).where(Pledge.reference == reference)).first()
    if pledge is None:
        abort(404)
    return render_template("pledges/confirmation.html", pledge=pledge,
                           masked_email=mask_email(pledge.focal_point.email))
