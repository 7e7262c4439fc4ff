"""An admin's edit of an SDG target or a GDC objective (a name, a translation, retiring it) moves the data
version on, like an event's or an initiative's: the directory's dropdowns, cached per version, show it at once."""

from __future__ import annotations

from p2c.extensions import db
from p2c.reference.models import GdcObjective, SdgTarget
from p2c.rollups.queries import data_version


def _moves(change) -> int:
    before = data_version()[1]
    change()
    db.session.commit()
    return data_version()[1] - before


def test_sdg_target_and_gdc_objective_edits_move_the_version():
    target = db.session.get(SdgTarget, "9.c")
    objective = db.session.scalars(db.select(GdcObjective).order_by(GdcObjective.code)).first()
    old = (dict(target.name_translations or {}), dict(objective.name_translations or {}))
    try:
        assert _moves(lambda: setattr(target, "name_translations", {"fr": "Accès aux TIC"})) == 1
        assert _moves(lambda: setattr(objective, "name_translations", {"fr": "Objectif modifié"})) == 1
    finally:
        target.name_translations, objective.name_translations = old
        db.session.commit()
