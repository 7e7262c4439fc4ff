"""Where the files beside the code live: a checkout keeps them at the repository root, a wheel inside the package.

In a checkout (`make install`, an editable install) `translations/`, `static/`, `migrations/` and
`node_modules/` sit at the repository root. A built wheel (`pip install .`) has no repository root:
the build (setup.py, `build_py`) copies them into the package, next to this module's package, with the
catalogs compiled. `resource_path` finds either, the packaged copy first.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
# Files the build copies into the installed package (setup.py writes them under this folder).
PACKAGED = PACKAGE / "_resources"
CHECKOUT = PACKAGE.parent


def resource_path(name: str) -> Path:
    """The folder or file `name` (e.g. "translations", "static/css") of an installed wheel or of the checkout."""
    packaged = PACKAGED / name
    return packaged if packaged.exists() else CHECKOUT / name


def instance_path() -> Path:
    """The instance folder (local SQLite file in development): P2C_INSTANCE_PATH, else the checkout's
    `instance/`, else `<prefix>/var/p2c-instance` for an installed wheel (Flask's own default there)."""
    if os.environ.get("P2C_INSTANCE_PATH"):
        return Path(os.environ["P2C_INSTANCE_PATH"])
    if (CHECKOUT / "pyproject.toml").exists():
        return CHECKOUT / "instance"
    return Path(sys.prefix) / "var" / "p2c-instance"
