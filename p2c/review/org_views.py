"""Organization pages of the review back-office: list, edit, merge duplicates."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from p2c.core.collation import collated
from p2c.core.errors import Conflict, ServiceError
from p2c.core.i18n import country_name, ref_name
from p2c.core.unit import attempt, unit_of_work
from p2c.extensions import db
from p2c.reference.models import Country, StakeholderGroup
from p2c.review import organizations, queries
from p2c.review.duplicates import similar_organizations
from p2c.review.forms import OUT_OF_DATE, ContactForm, MergeForm, OrganizationForm
from p2c.review.views import bp


@bp.app_template_global("proposed_organization_changes")
def proposed_organization_changes(record) -> dict:
    """{field: (on the record, proposed)} for the EOI detail fragment (see organizations.proposed_changes)."""
    return organizations.proposed_changes(record)


def _org_or_404(org_id: int):
    try:
        return organizations.get_organization(org_id)
    except ServiceError:
        abort(404)


@bp.get("/organizations")
def organization_list():
    """Organizations (merged ones hidden), searchable by name or acronym."""
    search = request.args.get("q", "").strip()[:100]
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        page = 1
    return render_template("review/organizations.html", search=search,
                           page=organizations.list_organizations(search, page))


def _choices(form: OrganizationForm) -> None:
    groups = db.session.scalars(select(StakeholderGroup).order_by(StakeholderGroup.position))
    form.stakeholder_group_code.choices = [(g.code, ref_name(g.name)) for g in groups]
    countries = collated(((c, country_name(c)) for c in db.session.scalars(select(Country.iso3))), key=lambda x: x[1])
    form.country_iso3.choices = [("", _("(none)"))] + countries


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
@unit_of_work
def organization_edit(org_id: int):
    """Edit an organization's record (optimistic lock on its version)."""
    org = _org_or_404(org_id)
    form = OrganizationForm(obj=org)
    _choices(form)
    status = 200
    if request.method == "GET":
        form.version.data = str(org.version)
        form.country_iso3.data = org.country_iso3 or ""
    elif queries.parse_id(form.version.data) is None:  # a tampered hidden field
        flash(str(OUT_OF_DATE), "error")
        status = 400
    elif form.validate_on_submit():
        data = {name: getattr(form, name).data for name in organizations.EDITABLE}
        data["country_iso3"] = data["country_iso3"] or None
        with attempt() as done:
            organizations.update_organization(org_id, data, queries.parse_id(form.version.data))
        if isinstance(done.error, Conflict):
            flash(done.error.message, "error")
            return redirect(url_for("review.organization_edit", org_id=org_id))
        if done.error:
            flash(done.error.message, "error")
            status = 400
        else:
            flash(_("The organization is saved."), "success")
            return redirect(url_for("review.organization_edit", org_id=org_id))
    else:
        status = 400
    return render_template("review/organization_edit.html", org=org, form=form,
                           usage=organizations.usage(org_id), similar=similar_organizations(org),
                           org_history=queries.history("organization", org_id)), status


@bp.route("/organizations/<int:org_id>/merge", methods=["GET", "POST"])
@unit_of_work
def organization_merge(org_id: int):
    """Merge this organization into another: its pledges, EOIs and API tokens move there."""
    org = _org_or_404(org_id)
    form = MergeForm()
    status = 200
    if request.method == "GET" and queries.parse_id(request.args.get("keep")) is not None:
        form.keep_id.data = request.args["keep"]
    if form.validate_on_submit():
        with attempt() as done:
            keep = organizations.merge_organizations(form.keep_number, org_id)
        if done.error:
            if done.error.status_code == 404 or done.error.field == "keep_id":
                form.keep_id.errors = [*form.keep_id.errors, done.error.message]
            else:
                flash(done.error.message, "error")
            status = 400
        else:
            flash(_("Merged into %(name)s.", name=keep.name), "success")
            return redirect(url_for("review.organization_edit", org_id=keep.id))
    elif request.method == "POST":
        status = 400
    keep = db.session.get(type(org), form.keep_number) if form.keep_number else None
    return render_template("review/organization_merge.html", org=org, form=form, keep=keep,
                           usage=organizations.usage(org_id), similar=similar_organizations(org)), status


@bp.route("/pledge/<int:pledge_id>/contact", methods=["GET", "POST"])
@unit_of_work
def pledge_contact(pledge_id: int):
    """Reassign a pledge's focal point (audited; the new one gets the private link, the former one's link
    stops working), or attach one to an imported pledge that has none."""
    from p2c.pledges.handover import reassign_contact
    from p2c.pledges.models import Pledge

    pledge = db.session.get(Pledge, pledge_id) if 0 < pledge_id <= queries.MAX_ID else None
    if pledge is None:
        abort(404)
    form = ContactForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            reassign_contact(pledge, form.name.data, form.email.data, form.language.data)
        if done.error is None:
            flash(_("The focal point was changed; the private link was sent to %(email)s.", email=form.email.data),
                  "success")
            return redirect(url_for("review.record", kind="pledge", id=pledge_id))
    status = 422 if request.method == "POST" else 200
    return render_template("review/pledge_contact.html", pledge=pledge, form=form), status
