"""Admin pages for the records admins manage: calls for interest, goals, pillars, exchange rates, regional
initiatives, events, SDG targets and GDC objectives.

Each is a list, a "new" form and an edit form, declared once in RESOURCES and routed in a loop:
/admin/<plural>, /admin/<plural>/new, /admin/<plural>/<key> (<plural> is `path`, e.g. sdg-targets). The
views parse the form, call `services.save` once, commit and redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from p2c.admin import queries, services
from p2c.admin.forms import (
    GOAL_METRICS,
    CallForm,
    EventForm,
    GdcObjectiveForm,
    GoalForm,
    InitiativeForm,
    PillarForm,
    RateForm,
    SdgTargetForm,
)
from p2c.admin.views import bp
from p2c.core.errors import Conflict, ServiceError
from p2c.core.forms import load_translations, translation_values
from p2c.core.i18n import ref_name, reference_translation
from p2c.core.unit import attempt, unit_of_work
from p2c.reference.regions import ITU_REGIONS, region_name


def _date(value: Any) -> str:
    return value.isoformat() if value else "–"


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


@dataclass(frozen=True)
class Resource:
    """One managed list: URL name, title, form, service kind, list query, columns, form choices."""

    slug: str
    param: str  # URL parameter name of the key (unique across the app, see the access matrix test)
    converter: str
    title: Any
    form: type
    kind: services.Managed
    rows: Callable[[], list]
    columns: list[tuple[Any, Callable[[Any], Any]]]
    choices: Callable[[Any], None] = lambda form: None
    translated: tuple[str, ...] = ()  # fields with the team's translations (`<field>_translations`)
    url: str = ""  # the URL's <plural> when it differs from `slug` (the endpoint name)

    @property
    def path(self) -> str:
        """The list's URL below /admin."""
        return self.url or self.slug


def _goal_choices(form: GoalForm) -> None:
    form.indicator_code.choices = [("", _("(none)"))] + [(c, ref_name(n)) for c, n in queries.indicator_choices()]


def _pillar_choices(form: PillarForm) -> None:
    form.focus_area_code.choices = [(c, ref_name(n)) for c, n in queries.focus_area_choices()]


def _initiative_choices(form: InitiativeForm) -> None:
    form.region.choices = [(code, region_name(code)) for code in ITU_REGIONS]


def _rate_choices(form: RateForm) -> None:
    form.currency_code.choices = queries.currency_choices()


METRIC_TITLES = dict(GOAL_METRICS)


def _translated(record: Any) -> str:
    """The languages the team translated a record's name into ("fr, zh"), or "–"."""
    return ", ".join(sorted(record.name_translations or {})) or "–"

RESOURCES = [
    Resource("calls", "call_id", "int", _l("Calls for interest"), CallForm, services.CALLS, queries.calls,
             [(_l("Title"), lambda r: r.title), (_l("Opens on"), lambda r: _date(r.opens_on)),
              (_l("Closes on"), lambda r: _("rolling") if r.rolling or r.closes_on is None else
               f"{_date(r.closes_on)}, {r.closes_time:%H:%M} ({r.time_zone})"),
              (_l("Translated into"), lambda r: ", ".join(sorted(r.title_translations or {})) or "–")],
             translated=("title",)),
    Resource("goals", "goal_id", "int", _l("Coalition goals"), GoalForm, services.GOALS, queries.goals,
             [(_l("Title"), lambda r: r.title), (_l("Measured by"), lambda r: METRIC_TITLES.get(r.metric, r.metric)),
              (_l("Target"), lambda r: r.target_value), (_l("By"), lambda r: _date(r.target_date)),
              (_l("Active"), lambda r: _yes(r.active)),
              (_l("Translated into"), lambda r: ", ".join(sorted(r.title_translations or {})) or "–")],
             _goal_choices, translated=("title",)),
    Resource("pillars", "pillar_code", "string", _l("Pillars"), PillarForm, services.PILLARS, queries.pillars,
             [(_l("Code"), lambda r: r.code), (_l("Focus area"), lambda r: r.focus_area_code),
              (_l("Name"), lambda r: ref_name(r.name)), (_l("Active"), lambda r: _yes(r.active))], _pillar_choices),
    Resource("rates", "rate_id", "int", _l("Exchange rates"), RateForm, services.RATES,
             lambda: queries.rates(request.args.get("currency", "")),
             [(_l("Currency"), lambda r: r.currency_code), (_l("Year"), lambda r: r.year),
              (_l("USD per unit"), lambda r: r.usd_per_unit), (_l("Source"), lambda r: r.source)], _rate_choices),
    Resource("initiatives", "initiative_code", "string", _l("WTDC-25 regional initiatives"), InitiativeForm,
             services.INITIATIVES, queries.initiatives,
             [(_l("Code"), lambda r: r.code), (_l("ITU region"), lambda r: region_name(r.region)),
              (_l("Title in English"), lambda r: r.title_en),
              (_l("Translations"), lambda r: " ".join(lang for lang in ("ar", "es", "fr", "ru", "zh")
                                                      if getattr(r, f"title_{lang}")) or "–"),
              (_l("Active"), lambda r: _yes(r.active))], _initiative_choices),
    Resource("events", "event_code", "string", _l("Events (“announced at”)"), EventForm, services.EVENTS,
             queries.events,
             [(_l("Code"), lambda r: r.code),
              (_l("Name"), lambda r: reference_translation(r.name, r.name_translations)[0]),
              (_l("Starts on"), lambda r: _date(r.starts_on)), (_l("Ends on"), lambda r: _date(r.ends_on)),
              (_l("Location"), lambda r: r.location), (_l("Translated into"), _translated)], translated=("name",)),
    Resource("sdg_targets", "sdg_target_code", "string", _l("SDG targets"), SdgTargetForm, services.SDG_TARGETS,
             queries.sdg_targets,
             [(_l("Code"), lambda r: r.code), (_l("Name"), lambda r: reference_translation(r.name,
                                                                                           r.name_translations)[0]),
              (_l("Active"), lambda r: _yes(r.active)), (_l("Translated into"), _translated)],
             translated=("name",), url="sdg-targets"),
    Resource("gdc_objectives", "gdc_objective_code", "string", _l("Global Digital Compact objectives"),
             GdcObjectiveForm, services.GDC_OBJECTIVES, queries.gdc_objectives,
             [(_l("Code"), lambda r: r.code), (_l("Name"), lambda r: reference_translation(r.name,
                                                                                           r.name_translations)[0]),
              (_l("Active"), lambda r: _yes(r.active)), (_l("Translated into"), _translated)],
             translated=("name",), url="gdc-objectives"),
]


def _list_view(res: Resource):
    def view():
        rows = [(url_for(f"admin.{res.slug}_edit", **{res.param: getattr(r, res.kind.key)}),
                 [col(r) for _h, col in res.columns]) for r in res.rows()]
        return render_template("admin/list.html", res=res, rows=rows,
                               headers=[str(h) for h, _c in res.columns], filter_currency=res.slug == "rates")
    return view


def _edit_view(res: Resource):
    def view(**kwargs):
        key = kwargs.get(res.param)
        obj = None
        if key is not None:
            try:
                obj = services.get(res.kind, key)
            except ServiceError:
                abort(404)
        form = res.form(obj=obj)
        res.choices(form)
        for name in res.kind.create_only if obj is not None else ():
            if not hasattr(form, name):
                continue  # derived from another field (an SDG target's SDG number)
            getattr(form, name).render_kw = {"disabled": True}
            getattr(form, name).data = getattr(obj, name)
        if request.method == "GET" and obj is not None and hasattr(form, "version"):
            form.version.data = str(obj.version)
        if request.method == "GET" and obj is not None:
            for name in res.translated:
                load_translations(form, name, getattr(obj, f"{name}_translations"))
        status = 200
        if form.validate_on_submit():
            data = {name: getattr(form, name).data for name in res.kind.fields if hasattr(form, name)}
            data.update({f"{name}_translations": translation_values(form, name) for name in res.translated})
            version = getattr(form, "version", None)
            expected = int(version.data) if version is not None and (version.data or "").isdigit() else None
            with attempt() as done:
                services.save(res.kind, key, data, expected)
            if isinstance(done.error, Conflict):
                flash(done.error.message, "error")
                return redirect(request.path)
            if done.error:
                target = getattr(form, done.error.field, None) if done.error.field else None
                if target is not None:
                    target.errors = [*target.errors, done.error.message]
                else:
                    flash(done.error.message, "error")
                status = 400
            else:
                flash(_("Saved."), "success")
                return redirect(url_for(f"admin.{res.slug}"))
        elif request.method == "POST":
            status = 400
        return render_template("admin/edit.html", res=res, form=form, obj=obj), status
    return unit_of_work(view)


for _res in RESOURCES:
    bp.add_url_rule(f"/{_res.path}", f"{_res.slug}", _list_view(_res), methods=["GET"])
    bp.add_url_rule(f"/{_res.path}/new", f"{_res.slug}_new", _edit_view(_res), methods=["GET", "POST"])
    bp.add_url_rule(f"/{_res.path}/<{_res.converter}:{_res.param}>", f"{_res.slug}_edit", _edit_view(_res),
                    methods=["GET", "POST"])
