"""`pip install .` without the Makefile: the wheel carries its compiled catalogs and serves all six languages.

Builds the wheel with this environment's setuptools and Babel (no build isolation, no download), installs
it with pip into a folder of its own, and serves pages from that installed copy in a fresh interpreter
started outside the checkout. Issue 19 ("Languages vanish outside make").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("ar", "es", "fr", "ru", "zh")

# Runs in the installed copy: migrate a fresh SQLite file, then fetch pages as French and Arabic readers.
SERVE = r"""
import json, sys, p2c
from flask_migrate import upgrade
from p2c import create_app
from p2c.extensions import db
app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite:///" + sys.argv[1])
client = app.test_client()
with app.app_context():
    upgrade(revision="heads")
    db.session.commit()
# Outside the app context: each request gets its own (its own locale), as when served.
fr = client.get("/?lang=fr").get_data(as_text=True)
ar = app.test_client().get("/?lang=ar").get_data(as_text=True)  # a reader of its own (no fr cookie)
ready = client.get("/readyz")
css = client.get("/static/css/p2c.css")
print(json.dumps({"package": p2c.__file__, "fr": fr, "ar": ar, "ready": [ready.status_code, ready.get_json()],
                  "css": css.status_code, "translations": app.config["BABEL_TRANSLATION_DIRECTORIES"]}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(ROOT)], check=True, timeout=120)
    (built,) = out.glob("p2c-*.whl")
    return built


def test_wheel_carries_compiled_catalogs_static_files_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in LANGS:
        assert f"p2c/_resources/translations/{lang}/LC_MESSAGES/messages.mo" in names
    assert "p2c/_resources/static/css/p2c.css" in names
    assert "p2c/_resources/migrations/env.py" in names
    assert "p2c/config.py" in names
    assert not any(name.endswith(".po") for name in names)


def test_installed_copy_serves_french_and_arabic(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
                    "--target", str(site), str(wheel)], check=True, timeout=120)
    env = {**os.environ, "PYTHONPATH": str(site), "P2C_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("TEST_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", SERVE, str(tmp_path / "p2c.sqlite")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert served["package"].startswith(str(site))  # the installed copy, not the checkout
    assert served["translations"].startswith(str(site))
    assert '<html lang="fr" dir="ltr">' in served["fr"]
    assert "Coalition numérique Partner2Connect" in served["fr"]
    assert '<html lang="ar" dir="rtl">' in served["ar"]
    assert "Partner2Connect Digital Coalition" not in served["ar"]
    assert served["ready"] == [200, {"status": "ok", "database": "ok", "catalogs": "ok"}]
    assert served["css"] == 200
