"""Pledge drafts: save the form halfway (`action=save_draft` on /pledges/new), continue it from the
e-mailed link (/pledges/drafts/<token>) on any device, delete it. Routes are added to
p2c.pledges.blueprint.bp; the storage is p2c.drafts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from p2c.core.forms import CleanForm
from p2c.core.i18n import current_language
from p2c.core.text import check_email
from p2c.core.unit import unit_of_work
from p2c.drafts import queries as draft_queries
from p2c.drafts import services as drafts
from p2c.drafts.queries import DraftGone
from p2c.members.webforms import mask_email
from p2c.pledges.blueprint import bp
from p2c.pledges.forms import PledgeForm


class DeleteDraftForm(CleanForm):
    """The confirmation of a draft's deletion (CSRF only)."""


def _draft_from_form():
    """The draft the posted form continues (hidden `draft_token`), or None for a new one."""
    token = request.form.get("draft_token", "")
    if not token or len(token) > 1000:
        return None
    try:
        return draft_queries.pledge_draft(token)
    except DraftGone:
        return None


def save_pledge_draft(form: PledgeForm, render_form):
    """`action=save_draft`: store what was typed (no check but the form's own CSRF token and the address
    the link goes to)."""
    token_field = getattr(form, "csrf_token", None)
    if token_field is not None and not token_field.validate(form):
        # The page says the session expired and keeps every value; nothing is stored or mailed.
        return render_form(form, draft_error=True), 422
    draft = _draft_from_form()
    email = draft.email if draft is not None else None
    if email is None:
        try:
            email = check_email((form.focal_email.data or "").strip())
        except ValueError as exc:
            form.focal_email.errors = [_("To save a draft, enter the focal point's e-mail address: "
                                         "the link to continue goes there."), str(exc)]
            return render_form(form, draft_error=True), 422
    draft, created, mailed = drafts.save_pledge_draft(draft, drafts.snapshot(request.form), email,
                                                      current_language())
    return render_template("drafts/saved.html", draft=draft, created=created, mailed=mailed,
                           masked_email=mask_email(draft.email),
                           link=url_for("pledges.resume_draft", token=draft_queries.token_for(draft)))


def finish_pledge_draft() -> None:
    """After the real submission was saved: the draft it continued is deleted."""
    drafts.delete_draft(_draft_from_form())


def _gone(exc: DraftGone):
    return render_template("drafts/gone.html", expired=exc.expired), 410 if exc.expired else 403


@bp.get("/pledges/drafts/<token>")
def resume_draft(token: str):
    """The pledge form again, with everything the draft holds; submit or save again from here."""
    from p2c.pledges.views import form_context

    try:
        draft = draft_queries.pledge_draft(token)
    except DraftGone as exc:
        return _gone(exc)
    form = PledgeForm(formdata=drafts.as_formdata(draft))
    return render_template("pledges/form.html", **form_context(form, draft=draft, draft_token=token))


@bp.route("/pledges/drafts/<token>/delete", methods=["GET", "POST"])
@unit_of_work
def delete_draft(token: str):
    """Delete a draft, after a confirmation step."""
    try:
        draft = draft_queries.pledge_draft(token)
    except DraftGone as exc:
        return _gone(exc)
    form = DeleteDraftForm()
    if request.method == "POST" and form.validate():
        drafts.delete_draft(draft)
        flash(_("The draft was deleted."), "success")
        return redirect(url_for("pledges.new"))
    return render_template("drafts/delete.html", form=form, draft=draft,
                           back=url_for("pledges.resume_draft", token=token))
