"""/readyz says why a node must not get traffic: a missing or stale compiled catalog (issue 19)."""

from __future__ import annotations

import os
import shutil

from p2c import create_app
from p2c.core.resources import resource_path


def _app_with_catalogs(tmp_path):
    target = tmp_path / "translations"
    shutil.copytree(resource_path("translations"), target)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite'}",
                     BABEL_TRANSLATION_DIRECTORIES=str(target))
    return app, target


def test_missing_catalog_makes_the_node_not_ready(tmp_path):
    app, target = _app_with_catalogs(tmp_path)
    (target / "zh" / "LC_MESSAGES" / "messages.mo").unlink()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert len(body["catalogs"]) == 1
    assert body["catalogs"][0].startswith("zh: compiled catalog") and "missing" in body["catalogs"][0]


def test_catalog_older_than_its_po_makes_the_node_not_ready(tmp_path):
    app, target = _app_with_catalogs(tmp_path)
    po = target / "fr" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    os.utime(mo, (po.stat().st_mtime - 60, po.stat().st_mtime - 60))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["catalogs"] == [f"fr: compiled catalog {mo} is older than its .po (run `make compile`)"]
    os.utime(mo, None)  # compiled again: ready
    assert app.test_client().get("/readyz").status_code == 200
