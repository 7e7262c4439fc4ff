"""The transparent score: exact points and reasons per criterion, and the order of a need's candidates."""

from __future__ import annotations

from datetime import date

from p2c.core.enums import ImplementationStatus
from p2c.extensions import db
from p2c.matchmaking import queries, ranking
from tests.matchmaking.helpers import make_need

NEED = ranking.NeedProfile(country="KEN", region="AFR", focus_area="connect",
                           pillars=frozenset({"connect.infrastructure", "connect.affordability"}),
                           pledge_type="programmatic", start_year=2026)


def _pledge(**change) -> ranking.PledgeProfile:
    values = dict(id=1, countries={"KEN"}, regions={"AFR"}, is_global=False, focus_area="connect",
                  pillars={"connect.infrastructure"}, pledge_type="programmatic", end_year=2030,
                  implementation_status="on_track", reporting="current")
    values.update(change)
    return ranking.PledgeProfile(**values)


def test_every_criterion_gives_its_points_and_its_reason():
    best = ranking.score(NEED, _pledge())
    # country 40 + focus area 25 + 1 of 2 pillars 8 (15 * 1/2, rounded) + type 5 + capacity 10 + current 5
    assert best.score == 93
    assert [p for p, _r in best.reasons] == [40, 25, 8, 5, 10, 5]
    assert str(best.reasons[2][1]) == "Shares 1 of the need's 2 pillars"


def test_place_steps_down_from_country_to_region_to_worldwide():
    assert ranking.score(NEED, _pledge(countries={"SEN"})).reasons[0][0] == 20
    assert ranking.score(NEED, _pledge(countries={"FRA"}, regions={"EUR"}, is_global=True)).reasons[0][0] == 10
    nowhere = ranking.score(NEED, _pledge(countries={"FRA"}, regions={"EUR"}))
    assert nowhere.score == 93 - 40


def test_finished_or_ended_pledges_have_no_capacity_and_track_record_counts():
    assert ranking.score(NEED, _pledge(implementation_status="completed")).score == 83
    assert ranking.score(NEED, _pledge(end_year=2025)).score == 83
    assert ranking.score(NEED, _pledge(reporting="due")).score == 90
    assert ranking.score(NEED, _pledge(reporting="inactive")).score == 88


def test_a_need_page_ranks_the_demo_like_candidates_in_sql_then_python(builder):
    kenya = builder.pledge(countries=["KEN"], pillars=["connect.infrastructure"], title="Kenya schools")
    senegal = builder.pledge(countries=["SEN"], pillars=["connect.infrastructure"], title="Senegal schools")
    skills = builder.pledge(countries=["KEN"], focus_area="empower", pillars=["empower.skills"], title="Skills")
    france = builder.pledge(countries=["FRA"], title="Elsewhere")  # another region, not global: filtered out
    done = builder.pledge(countries=["KEN"], pillars=["connect.infrastructure"],
                          implementation_status=ImplementationStatus.COMPLETED, end_date=date(2025, 12, 31),
                          title="Finished")
    need = make_need()
    db.session.commit()
    assert set(queries.candidate_ids(queries.profile(need))) == {kenya.id, senegal.id, skills.id, done.id}
    ranked = [(c.pledge.id, c.scored.score) for c in queries.candidates(need)]
    # Approved in June 2024 with no report since: reporting "inactive" (no points) for all of them.
    assert ranked == [(kenya.id, 40 + 25 + 15 + 5 + 10), (done.id, 40 + 25 + 15 + 5),
                      (senegal.id, 20 + 25 + 15 + 5 + 10), (skills.id, 40 + 5 + 10)]
    assert france.id not in [pid for pid, _s in ranked]
