"""Precision of the review page's "possible duplicates" flags for organizations, before and after.

    python benchmarks/duplicate_flags.py                   # 2,000 demo pledges, seed 2030, 80 planted
    python benchmarks/duplicate_flags.py --pledges 5000 --planted 150

How true duplicates are judged (the method, honestly):
1. The demo generator makes every organization distinct on purpose (made-up names, made unique), so
   on the demo data as generated EVERY flag is a false positive: precision there is 0 for any rule
   that flags anything, and the useful figure is how many flags each rule raises.
2. To measure precision with real duplicates in the mix, the script then plants labelled duplicates:
   for randomly chosen demo organizations (seeded), one variant each of the kinds people actually
   send (legal form added, "The" prefix, word order, a typo in a kind-of-organization word, the same
   name without a country, the acronym as the name, a dropped generic word, a typo in the
   distinctive word). A flag is TRUE exactly when it pairs a planted variant with its original;
   every other flag is false. Variants that only change case, accents, spacing or punctuation are
   not planted: the identity rule makes them the same record before any flag is needed.
3. Both rules run on the same database: "before" is the rule this branch replaced (difflib ratio
   >= 0.85 on normalized names, candidates by same country, first word or acronym; same acronym
   always flagged), copied here verbatim as `before_flags`; "after" is the application's
   `p2c.review.duplicates.similar_organizations`. Flags are counted as unordered pairs over every
   visible organization (what the review and organization pages would show, 20 at most each).

Prints, per rule: flags on the demo data alone, then flagged pairs, true pairs, precision and recall
on the planted set, and the largest number of flags on one organization.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VARIANT_KINDS = ["legal_form", "the_prefix", "word_order", "generic_typo", "no_country", "acronym_name",
                 "dropped_word", "distinctive_typo"]


# --- the rule before this branch, verbatim in substance (p2c/review/duplicates.py at main) ---------

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def _old_normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def _old_similar(a: str, b: str) -> bool:
    na, nb = _old_normalize(a), _old_normalize(b)
    if not na or not nb:
        return False
    return na == nb or SequenceMatcher(None, na, nb).ratio() >= 0.85


def before_flags(org, limit: int = 20) -> list:
    from sqlalchemy import func, or_, select

    from p2c.extensions import db
    from p2c.members.models import Organization

    first = _old_normalize(org.name).split(" ")[0] if org.name else ""
    query = select(Organization).where(Organization.id != org.id, Organization.merged_into_id.is_(None))
    conditions = [Organization.country_iso3 == org.country_iso3]
    if first:
        conditions.append(func.lower(Organization.name).like(f"%{first}%"))
    if org.acronym:
        conditions.append(func.lower(Organization.acronym) == org.acronym.lower())
    found = []
    for other in db.session.scalars(query.where(or_(*conditions)).order_by(Organization.id.desc()).limit(1000)):
        same_acronym = bool(org.acronym) and other.acronym.lower() == org.acronym.lower()
        if _old_similar(org.name, other.name) or same_acronym:
            found.append(other)
            if len(found) >= limit:
                break
    return found


# --- planting labelled duplicates ------------------------------------------------------------------

def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swap two neighbouring letters


def variant(name: str, acronym: str, kind: str, rng: random.Random) -> str | None:
    """A duplicate spelling of `name` of the given kind (None when the name does not allow it)."""
    words = name.split()
    generic = {"University", "Technology", "Ministry", "Foundation", "Telecom", "Networks", "Development",
               "Bank", "Digital", "Initiative", "Alliance", "Association", "Fund", "Service", "Network"}
    if kind == "legal_form":
        return f"{name} {rng.choice(['Ltd', 'Inc.', 'S.A.', 'GmbH', 'PLC'])}"
    if kind == "the_prefix":
        return f"The {name}"
    if kind == "word_order":
        if " of " in name:
            head, _, tail = name.partition(" of ")
            return f"{tail} {head}" if tail and not tail[0].isdigit() else None
        return " ".join([*words[1:], words[0]]) if len(words) >= 2 else None
    if kind == "generic_typo":
        spots = [i for i, w in enumerate(words) if w in generic and len(w) >= 6]
        if not spots:
            return None
        i = rng.choice(spots)
        return " ".join([*words[:i], _typo(words[i], rng), *words[i + 1:]])
    if kind == "no_country":
        return name
    if kind == "acronym_name":
        return acronym if len(acronym) >= 2 else None
    if kind == "dropped_word":
        spots = [i for i, w in enumerate(words) if w in generic]
        if len(words) < 3 or not spots:
            return None
        i = rng.choice(spots)
        return " ".join(words[:i] + words[i + 1:])
    if kind == "distinctive_typo":
        return " ".join([_typo(words[0], rng), *words[1:]]) if len(words[0]) >= 6 else None
    raise ValueError(kind)


def plant(count: int, seed: int) -> dict[int, tuple[int, str]]:
    """Insert `count` labelled duplicates; returns {variant id: (original id, kind)}."""
    from sqlalchemy import select

    from p2c.extensions import db
    from p2c.members.models import Organization

    rng = random.Random(seed)
    originals = list(db.session.scalars(select(Organization).order_by(Organization.id)))
    rng.shuffle(originals)
    planted: dict[int, tuple[int, str]] = {}
    kinds = iter(VARIANT_KINDS * count)
    for org in originals:
        if len(planted) >= count:
            break
        kind = next(kinds)
        name = variant(org.name, org.acronym, kind, rng)
        if not name:
            continue
        country = None if kind == "no_country" else org.country_iso3
        copy = Organization(name=name, acronym="" if kind == "acronym_name" else org.acronym,
                            stakeholder_group_code=org.stakeholder_group_code, country_iso3=country,
                            website="", is_member=False)
        try:
            with db.session.begin_nested():
                db.session.add(copy)
                db.session.flush()
        except Exception:  # noqa: BLE001 - the same identity: the identity rule already merges it
            continue
        planted[copy.id] = (org.id, kind)
    db.session.commit()
    return planted


def flagged_pairs(rule) -> tuple[set[frozenset[int]], int]:
    """Unordered pairs flagged by `rule` over every visible organization, and the most on one record."""
    from sqlalchemy import select

    from p2c.extensions import db
    from p2c.members.models import Organization

    pairs: set[frozenset[int]] = set()
    most = 0
    for org in db.session.scalars(select(Organization).where(Organization.merged_into_id.is_(None))).all():
        found = rule(org)
        most = max(most, len(found))
        pairs.update(frozenset((org.id, other.id)) for other in found)
    return pairs, most


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pledges", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2030)
    parser.add_argument("--planted", type=int, default=80)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from p2c import create_app
    from p2c.demo.generator import DemoGenerator
    from p2c.extensions import db
    from p2c.reference.loaders import load_all
    from p2c.review.duplicates import similar_organizations

    tmp = Path(tempfile.mkdtemp(prefix="p2c-dupes-"))
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.sqlite'}")
    rules = {"before (difflib 0.85)": before_flags, "after (rapidfuzz, this branch)": similar_organizations}
    with app.app_context(), app.test_request_context():
        upgrade(revision="heads")
        load_all()
        DemoGenerator(args.seed).run(args.pledges)
        db.session.commit()
        from sqlalchemy import func, select

        from p2c.members.models import Organization
        organizations = db.session.scalar(select(func.count(Organization.id)))
        print(f"demo data: {args.pledges} pledges, {organizations} organizations (all distinct by construction)")
        for label, rule in rules.items():
            started = time.perf_counter()
            pairs, most = flagged_pairs(rule)
            print(f"  {label:32} {len(pairs):6} flagged pairs, all false; most on one organization: {most}"
                  f"  ({time.perf_counter() - started:.1f} s)")

        planted = plant(args.planted, args.seed)
        truth = {frozenset((variant_id, original)) for variant_id, (original, _) in planted.items()}
        by_kind: dict[str, int] = {}
        for _original, kind in planted.values():
            by_kind[kind] = by_kind.get(kind, 0) + 1
        print(f"planted {len(planted)} labelled duplicates: "
              + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
        for label, rule in rules.items():
            pairs, most = flagged_pairs(rule)
            true = pairs & truth
            precision = len(true) / len(pairs) if pairs else float("nan")
            recall = len(true) / len(truth) if truth else float("nan")
            missed: dict[str, int] = {}
            for pair in truth - pairs:
                variant_id = next(i for i in pair if i in planted)
                missed[planted[variant_id][1]] = missed.get(planted[variant_id][1], 0) + 1
            print(f"  {label:32} {len(pairs):6} flagged pairs, {len(true)} true: precision {precision:.1%}, "
                  f"recall {recall:.1%}; most on one organization: {most}; missed: "
                  + (", ".join(f"{k} {n}" for k, n in sorted(missed.items())) or "none"))


if __name__ == "__main__":
    main()
