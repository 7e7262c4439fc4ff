"""How often the need page's ranking puts the known best answer in its top 5, on demo data.

    python benchmarks/matchmaking_top5.py                  # 2,000 demo pledges, 400 needs, seed 2030
    python benchmarks/matchmaking_top5.py --pledges 10000 --needs 1000

Method (honestly):
1. Demo data (`p2c.demo.generator`, seeded) gives approved pledges with target countries, a focus
   area, pillars, a pledge type, dates and reporting histories.
2. For each of N approved pledges drawn at random (seeded), a need is generated FROM that pledge, so
   the pledge is the known best answer by construction:
   - "full" needs: one of the pledge's target countries, its focus area, all its pillars, its pledge
     type, and a time frame starting in the pledge's first year;
   - "sparse" needs: the same country and focus area, only one of its pillars, no pledge type (less
     to go on: what a ministry that fills the optional fields sparingly gives).
   Another pledge may fit the need just as well (same country, area, pillars and type): the known
   answer is then *a* best answer, not the only one, and such ties count against the ranking when
   they push the known answer out of the top 5. The script prints how many needs had a tie on the
   total score, and the top-5 share on the needs whose known answer is the ONLY pledge with the most
   points on what the need states (place, focus area, pillars, type): there the answer is known
   without ambiguity, and only capacity and track record can push it down.
3. Each need goes through the application's own code path: the SQL pre-filter
   (`matchmaking.queries.candidate_ids`), the batched profiles and the Python score
   (`matchmaking.ranking.rank`); the known answer's position is read from the full ranking.
4. Baselines, for scale: what a person gets from the pledge directory without matchmaking, newest
   first, (a) filtered by the country, (b) filtered by the country and the focus area.

Prints, per kind of need: share in the top 1 and top 5 (ranking and baselines), needs with ties,
candidate-set size (median, max) and time per need.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _needs_from(pledge, rng: random.Random, kind: str):
    from p2c.matchmaking.ranking import NeedProfile

    country = rng.choice(sorted(pledge.countries))
    region = pledge.region_of[country]
    pillars = sorted(pledge.pillars)
    if kind == "full":
        return NeedProfile(country, region, pledge.focus_area, frozenset(pillars), pledge.pledge_type,
                           pledge.start_year)
    return NeedProfile(country, region, pledge.focus_area, frozenset(rng.sample(pillars, 1) if pillars else []),
                       None, pledge.start_year)


def _position(ids: list[int], wanted: int) -> int | None:
    return ids.index(wanted) + 1 if wanted in ids else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pledges", type=int, default=2000)
    parser.add_argument("--needs", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2030)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import select

    from p2c import create_app
    from p2c.core.enums import ReviewStatus
    from p2c.demo.generator import DemoGenerator
    from p2c.extensions import db
    from p2c.matchmaking import queries, ranking
    from p2c.pledges.models import Pledge, pledge_country
    from p2c.reference.loaders import load_all
    from p2c.reference.models import Country

    tmp = Path(tempfile.mkdtemp(prefix="p2c-match-"))
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.sqlite'}")
    with app.app_context(), app.test_request_context():
        upgrade(revision="heads")
        load_all()
        DemoGenerator(args.seed).run(args.pledges)
        db.session.commit()
        approved = list(db.session.execute(
            select(Pledge.id, Pledge.start_date).where(Pledge.status == ReviewStatus.APPROVED,
                                                       Pledge.is_global.is_(False))).all())
        start_of = {pid: (start.year if start else 2026) for pid, start in approved}
        rng = random.Random(args.seed)
        sample = rng.sample(sorted(start_of), min(args.needs, len(start_of)))
        profiles = {p.id: p for p in queries.pledge_profiles(sample)}
        regions = dict(db.session.execute(select(Country.iso3, Country.itu_region)).all())
        print(f"demo data: {args.pledges} pledges, {len(start_of)} approved with target countries; "
              f"{len(sample)} needs of each kind, each generated from one of them (seed {args.seed})")
        for kind in ("full", "sparse"):
            rng = random.Random(f"{args.seed}-{kind}")
            top1 = top5 = base_c5 = base_cf5 = ties = dropped = unique = unique5 = 0
            sizes, seconds = [], []
            for pid in sample:
                pledge = profiles[pid]
                pledge.region_of = {c: regions[c] for c in pledge.countries}
                pledge.start_year = start_of[pid]
                if not pledge.countries:
                    continue
                need = _needs_from(pledge, rng, kind)
                started = time.perf_counter()
                ids = queries.candidate_ids(need)
                ranked = ranking.rank(need, queries.pledge_profiles(ids), len(ids))
                seconds.append(time.perf_counter() - started)
                sizes.append(len(ids))
                dropped += pid not in ids
                order = [s.id for s in ranked]
                where = _position(order, pid)
                mine = next((s for s in ranked if s.id == pid), None)
                if mine is not None and sum(1 for s in ranked if s.score == mine.score) > 1:
                    ties += 1
                if mine is not None and all(s.stated < mine.stated for s in ranked if s.id != pid):
                    unique += 1  # the known answer alone has the most points on what the need states
                    unique5 += where is not None and where <= 5
                top1 += where == 1
                top5 += where is not None and where <= 5
                in_country = (select(pledge_country.c.pledge_id).join(Pledge, Pledge.id == pledge_country.c.pledge_id)
                              .where(Pledge.status == ReviewStatus.APPROVED,
                                     pledge_country.c.country_iso3 == need.country)
                              .order_by(Pledge.approved_at.desc(), Pledge.id.desc()))
                base_c5 += pid in db.session.scalars(in_country.limit(5)).all()
                base_cf5 += pid in db.session.scalars(
                    in_country.where(Pledge.focus_area_code == need.focus_area).limit(5)).all()
            n = len(seconds)
            print(f"\n{kind} needs ({n}):")
            print(f"  ranking: top 1 {top1 / n:6.1%}   top 5 {top5 / n:6.1%}   (needs where another pledge ties "
                  f"with the known answer: {ties})")
            print(f"  needs whose known answer is the only best on what the need states: {unique}; "
                  f"top 5 among them {unique5 / unique if unique else float('nan'):6.1%}")
            print(f"  known answer cut by the SQL pre-filter's limits: {dropped}")
            print(f"  baseline, directory by country, newest first: top 5 {base_c5 / n:6.1%}")
            print(f"  baseline, directory by country and focus area, newest first: top 5 {base_cf5 / n:6.1%}")
            print(f"  candidates after the SQL pre-filter: median {statistics.median(sizes):.0f}, max {max(sizes)}; "
                  f"time per need: median {statistics.median(seconds) * 1000:.1f} ms, "
                  f"max {max(seconds) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
