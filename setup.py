"""Build hook: a wheel carries its compiled catalogs, static files, migrations and map geometry.

`pip install .` (or `pip wheel .`) runs setuptools' build_py; this subclass then compiles every
translations/<lang>/LC_MESSAGES/messages.po into messages.mo with Babel and copies translations/,
static/, migrations/ and, when `npm ci` has fetched it, the world-atlas geometry into
p2c/_resources/ of the build (see p2c/core/resources.py). Without it an installed copy served every
page in English. Editable installs (`make install`) use the checkout's own folders instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
COPIED = ["static", "migrations", "node_modules/world-atlas/countries-110m.json"]


class BuildWithResources(build_py):
    """build_py, then the resources beside the package (compiled catalogs included)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders
        target = Path(self.build_lib) / "p2c" / "_resources"
        if target.exists():
            shutil.rmtree(target)
        for name in COPIED:
            source = HERE / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif source.exists():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)
        compile_catalogs(HERE / "translations", target / "translations")


def compile_catalogs(source: Path, target: Path) -> None:
    """Compile each <lang>/LC_MESSAGES/messages.po under `source` to the same place under `target`.

    Raises babel's PoFileError on a malformed catalog and FileNotFoundError when there is none: a wheel
    must never ship without its languages. Fuzzy entries are left out, as `pybabel compile` does.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalogs = sorted(source.glob("*/LC_MESSAGES/messages.po"))
    if not catalogs:
        raise FileNotFoundError(f"no catalogs under {source}")
    for po in catalogs:
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name, abort_invalid=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog)


setup(cmdclass={"build_py": BuildWithResources})
