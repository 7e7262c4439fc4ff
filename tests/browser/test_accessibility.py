"""axe-core over every page a person can reach: public and staff, English and Arabic, desktop (1280 px)
and phone (390 px). A serious or critical violation fails the test.

axe-core is the npm package in package.json (node_modules/axe-core/axe.min.js, installed by `make
install`), injected by Playwright; the pages' Content-Security-Policy is bypassed for that script only
in these test contexts. Every GET route of the app that answers HTML must be listed in `_paths` or in
NOT_PAGES, so a new page is audited as soon as it exists.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from p2c.accounts.services import make_invite_token
from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.matchmaking.constants import Side
from p2c.matchmaking.models import Introduction
from p2c.pledges.models import Handover, PartnerContact, PledgeAmendment
from p2c.pledges.services import amendment_snapshot
from tests.builders import PASSWORD
from tests.matchmaking.helpers import make_need

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
FAILING = ("serious", "critical")

# GET routes that are not pages a person reads (data, files, health checks, JSON helpers).
NOT_PAGES = {
    "static", "web.healthz", "web.readyz", "members.search_organizations", "opendata.pledges", "opendata.iati",
    "publications.detail_csv", "publications.detail_json", "review.queue_csv", "api.openapi_json",
    "api.docs_asset", "api.list_pledges", "api.get_pledge", "api.list_organizations", "api.progress",
    "publications.detail_pdf", "reporting.country_brief", "opendata.ledger", "reporting.task_force_csv",
    "events.counter",
    # Images and machine endpoints: the SVG widgets (their HTML twins are audited) and Prometheus metrics.
    "embed.coalition_svg", "embed.country_svg", "embed.pledge_svg", "metrics.prometheus",
    # Shown only to the browser that just submitted (session): the pledge confirmation is audited by
    # tests/browser/test_keyboard.py after a keyboard-only submission.
    "pledges.submitted", "members.submitted",
    # The bundled Swagger UI's own markup (README "Accessibility"): audited separately below, not ours.
    "api.docs",
    # Downloads (evidence files) and Atom feeds.
    "implementation.evidence_file", "implementation.own_evidence_file", "implementation.staff_evidence_file",
    "follows.feed",
    # Shown only to the browser that just submitted the need (like the pledge confirmation); JSON.
    "matchmaking.submitted", "api.list_needs", "api.get_need", "matchmaking.needs_csv",
    "api.list_events", "api.get_event", "api.regional_initiatives",
}


@pytest.fixture
def site(builder):
    """One record of every kind a page can show, and an administrator."""
    from p2c.publications import services as publications

    admin = builder.user(role="admin", email="axe-admin@example.org")
    invited = builder.user(email="axe-invited@example.org")
    org = builder.organization(name="Acme Telecom")
    approved = builder.pledge(lead=org, countries=["KEN", "SEN"], amount=2_000_000, pledged_on=date(2024, 3, 1),
                              targets=[("people_connected", 5000, 2030), ("schools_connected", 40, 2028)])
    report = builder.progress_report(approved, period=2024, achieved={"people_connected": 1200},
                                     usd_disbursed=300_000)
    waiting_report = builder.progress_report(approved, period=2025, status=ReviewStatus.SUBMITTED)
    from p2c.verification.models import Verification

    # The administrator holds the assignment here, so the audit sees the checklist form.
    verification = Verification(report=report, verifier=admin, assigned_at=report.approved_at)
    db.session.add(verification)
    submitted = builder.pledge(lead=org, status=ReviewStatus.SUBMITTED, title="Solar Wi-Fi for clinics")
    eoi = builder.eoi()
    partner = builder.organization(name="SchoolNet Africa")
    approved.partners = [partner]
    db.session.flush()
    handover = Handover(pledge=approved, from_contact_id=approved.focal_point_id, name="Nadia Successor",
                        email="nadia@example.org", language="ar")
    db.session.add(handover)
    snapshot = amendment_snapshot(approved)
    amendment = PledgeAmendment(reference=f"{approved.reference}-A1", pledge=approved, data={}, before=snapshot,
                                after={**snapshot, "title": "Connect rural schools and clinics"},
                                status=ReviewStatus.SUBMITTED, submitted_at=approved.submitted_at)
    db.session.add(amendment)
    db.session.add(PartnerContact(pledge_id=approved.id, organization_id=partner.id,
                                  contact_id=builder.contact(email="pat@example.org").id))
    need = make_need(country="KEN")
    changes = make_need(status=ReviewStatus.CHANGES_REQUESTED, email="changes@example.org")
    db.session.add(Introduction(need=need, pledge=approved, requested_by=Side.PLEDGE, requested_at=need.submitted_at,
                                message="We can help."))
    db.session.commit()
    pub = publications.publish("P2C Progress Report 2025", date(2025, 12, 31),
                               sections={"foreword": "Dear reader,\n\n- first point\n- second point"})
    earlier = publications.publish("P2C Progress Report 2024", date(2024, 12, 31))
    from werkzeug.datastructures import MultiDict

    from p2c.drafts import queries as draft_queries
    from p2c.drafts import services as drafts
    from p2c.follows import notifications as follow_mail
    from p2c.follows.models import Follow

    pledge_draft, _created, _mailed = drafts.save_pledge_draft(None, drafts.snapshot(MultiDict(
        [("title", "Solar schools"), ("countries", "KEN")])), "draft@example.org", "en")
    drafts.save_report_draft(approved, {"narrative": ["Half written"]}, approved.focal_point.email, "en")
    follow = Follow(email="fan@example.org", target_kind="country", target_key="KEN", language="en")
    db.session.add(follow)
    db.session.commit()
    return {
        "draft_token": draft_queries.token_for(pledge_draft),
        "confirm_link": follow_mail.confirm_link(follow).split("/follow/", 1)[1],
        "stop_link": follow_mail.stop_link(follow).split("/follow/", 1)[1],
        "admin": admin, "invited": invited, "org": org, "approved": approved, "report": report,
        "waiting_report": waiting_report, "submitted": submitted, "eoi": eoi, "publication": pub, "earlier": earlier,
        "token": make_token("pledge", approved.id, approved.focal_point.email), "verification": verification,
        "invite": make_invite_token(invited),
        "amendment": amendment,
        "handover": make_token("handover", handover.id, "nadia@example.org"),
        "person": make_token("person", 0, approved.focal_point.email),
        "partner": make_token("partner", approved.id, "pat@example.org"),
        "need": need,
        "need_token": make_token("need", need.id, need.contact.email),
        "changes_token": make_token("need", changes.id, changes.contact.email),
    }


def _first(model_name: str):
    from sqlalchemy import select

    from p2c import models  # noqa: F401 - every model registered

    for mapper in db.Model.registry.mappers:
        if mapper.class_.__name__ == model_name:
            return db.session.scalars(select(mapper.class_).limit(1)).first()
    return None


def _paths(site) -> dict[str, list[str]]:
    """endpoint -> paths to audit (public pages first, then staff)."""
    p = site
    event = _first("Event")
    goal = _first("Goal")
    rate = _first("ExchangeRate")
    pillar = _first("Pillar")
    call = _first("Call")
    paths = {
        "web.home": ["/"], "members.join": ["/join"], "pledges.new": ["/pledges/new"],
        "pledges.directory": ["/pledges", "/pledges?country=KEN&focus_area=connect"],
        "pledges.detail": [f"/pledges/{p['approved'].reference}"],
        "reporting.progress": ["/progress", "/progress?region=AFR&focus_area=connect"],
        "reporting.country": ["/countries/KEN"], "reporting.task_force": ["/progress/task-force"],
        "reporting.regions": ["/regions"], "reporting.region": ["/regions/AFR"],
        "publications.index": ["/reports"], "publications.detail": [f"/reports/{p['publication'].slug}"],
        "publications.compare": [f"/reports/compare?a={p['earlier'].slug}&b={p['publication'].slug}"],
        "opendata.index": ["/data"], "access.request_link": ["/access"], "accounts.login": ["/login"],
        "accounts.set_password": [f"/account/set-password/{p['invite']}"],
        "access.dashboard": [f"/my/{p['token']}", f"/my/{p['person']}", f"/my/{p['partner']}"],
        "access.edit": [f"/my/{p['token']}/edit"], "access.amend": [f"/my/{p['token']}/amend"],
        "access.hand_over": [f"/my/{p['token']}/hand-over"], "access.take_over": [f"/my/{p['handover']}/take-over"],
        "pledges.organization": [f"/organizations/{p['org'].id}"],
        "access.withdraw": [f"/my/{p['token']}/withdraw"],
        "implementation.reports": [f"/my/{p['token']}/reports"],
        "implementation.new_report": [f"/my/{p['token']}/report"],
        "implementation.edit_report": [f"/my/{p['token']}/reports/{p['waiting_report'].reference}"],
        "web.privacy": ["/privacy"], "web.contact": ["/contact"],
        "pledges.resume_draft": [f"/pledges/drafts/{p['draft_token']}"],
        "pledges.delete_draft": [f"/pledges/drafts/{p['draft_token']}/delete"],
        "implementation.delete_report_draft": [f"/my/{p['token']}/report/draft/delete"],
        "follows.follow": ["/follow", "/follow?kind=country&key=KEN",
                           f"/follow?kind=pledge&key={p['approved'].reference}"],
        "follows.confirm": [f"/follow/{p['confirm_link']}"], "follows.stop": [f"/follow/{p['stop_link']}"],
        "embed.coalition": ["/embed/coalition"], "embed.country": ["/embed/countries/KEN"],
        "embed.pledge": [f"/embed/pledges/{p['approved'].reference}"],
        "matchmaking.index": ["/needs"], "matchmaking.new": ["/needs/new"],
        "matchmaking.detail": [f"/needs/{p['need'].id}"], "matchmaking.mine": [f"/my/{p['need_token']}/need"],
        "matchmaking.edit": [f"/my/{p['changes_token']}/need/edit"],
        "matchmaking.for_pledge": [f"/my/{p['token']}/needs"],
        "events.index": ["/events"], "events.detail": ["/events/wtdc-25"],
        "events.announcements": ["/review/events/wtdc-25/announcements"],
        # Staff
        "review.queue": ["/review/", "/review/?status=approved"],
        "review.record": [f"/review/pledge/{p['submitted'].id}", f"/review/eoi/{p['eoi'].id}",
                          f"/review/progress_report/{p['waiting_report'].id}",
                          f"/review/pledge_amendment/{p['amendment'].id}", f"/review/need/{p['need'].id}"],
        "implementation.compliance": ["/review/compliance"], "operations.health": ["/review/operations"],
        "matchmaking.introductions": ["/review/introductions"],
        "review.organization_list": ["/review/organizations"],
        "review.organization_edit": [f"/review/organizations/{p['org'].id}/edit"],
        "review.organization_merge": [f"/review/organizations/{p['org'].id}/merge"],
        "review.pledge_contact": [f"/review/pledge/{p['approved'].id}/contact"],
        "accounts.password": ["/account/password"],
        "verification.index": ["/verify/"], "verification.detail": [f"/verify/{p['verification'].id}"],
        "admin.index": ["/admin/"], "admin.audit": ["/admin/audit"], "admin.staff": ["/admin/staff"],
        "admin.invite": ["/admin/staff/invite"], "api_tokens.index": ["/admin/api-tokens/"],
        "publications.new": ["/admin/reports/new"],
        "admin.calls": ["/admin/calls"], "admin.calls_new": ["/admin/calls/new"],
        "admin.calls_edit": [f"/admin/calls/{call.id}"] if call else [],
        "admin.events": ["/admin/events"], "admin.events_new": ["/admin/events/new"],
        "admin.events_edit": [f"/admin/events/{event.code}"],
        "admin.initiatives": ["/admin/initiatives"], "admin.initiatives_new": ["/admin/initiatives/new"],
        "admin.initiatives_edit": ["/admin/initiatives/AFR1"],
        "admin.sdg_targets": ["/admin/sdg-targets"], "admin.sdg_targets_new": ["/admin/sdg-targets/new"],
        "admin.sdg_targets_edit": ["/admin/sdg-targets/9.c"],
        "admin.gdc_objectives": ["/admin/gdc-objectives"], "admin.gdc_objectives_new": ["/admin/gdc-objectives/new"],
        "admin.gdc_objectives_edit": ["/admin/gdc-objectives/gdc1"],
        "admin.goals": ["/admin/goals"], "admin.goals_new": ["/admin/goals/new"],
        "admin.goals_edit": [f"/admin/goals/{goal.id}"] if goal else [],
        "admin.pillars": ["/admin/pillars"], "admin.pillars_new": ["/admin/pillars/new"],
        "admin.pillars_edit": [f"/admin/pillars/{pillar.code}"],
        "admin.rates": ["/admin/rates"], "admin.rates_new": ["/admin/rates/new"],
        "admin.rates_edit": [f"/admin/rates/{rate.id}"],
    }
    return paths


STAFF_PREFIXES = ("/review", "/admin", "/verify", "/account/password")


def test_every_html_route_is_audited(live_app, site):
    listed = set(_paths(site))
    routes = {r.endpoint for r in live_app.url_map.iter_rules() if "GET" in r.methods}
    missing = routes - listed - NOT_PAGES
    assert not missing, f"GET routes neither audited nor listed as not pages: {sorted(missing)}"


def _audit(page, url: str, reload: bool = True) -> list[str]:
    if reload:
        response = page.goto(url)
        assert response.status < 400, f"{url}: {response.status}"
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [f"{url}: {v['impact']} {v['id']} ({v['help']}) at {json.dumps(v['nodes'])}"
            for v in result if v["impact"] in FAILING]


def _sign_in(page, base: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", "axe-admin@example.org")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_serious_violation_on_any_page(browser, live_app, live_server, site, lang):
    """Each page is loaded once and audited at desktop width, then again resized to a phone's width
    (the layout is CSS media queries: the same DOM re-laid out), which halves the page loads."""
    assert AXE.exists(), "node_modules/axe-core is missing: run `make install` (npm ci)"
    context = browser.new_context(viewport=VIEWPORTS["desktop"], bypass_csp=True)
    page = context.new_page()
    base = live_server.url
    problems: list[str] = []
    audited = 0
    try:
        signed_in = False
        for endpoint, paths in _paths(site).items():
            for path in paths if endpoint in live_app.view_functions else ():
                staff = path.startswith(STAFF_PREFIXES)
                if staff and not signed_in:
                    _sign_in(page, base)
                    signed_in = True
                sep = "&" if "?" in path else "?"
                url = f"{base}{path}{sep}lang={lang}"
                page.set_viewport_size(VIEWPORTS["desktop"])
                problems += [f"[desktop] {p}" for p in _audit(page, url)]
                page.set_viewport_size(VIEWPORTS["phone"])
                problems += [f"[phone] {p}" for p in _audit(page, url, reload=False)]
                audited += 1
    finally:
        context.close()
    assert audited >= 45
    assert not problems, "axe-core: serious or critical violations:\n" + "\n".join(problems)
