"""ITU development regions and the country groups (LDC, LLDC, SIDS), with their names, in one place.

The six ITU-D regions (DOMAIN.md): AFR Africa, AMS Americas, ARB Arab States, ASP Asia and the
Pacific, CIS (Commonwealth of Independent States), EUR Europe; territories outside them are OE.
These are not the ITU-R radio regions 1/2/3. Every page, chart, filter and form takes its labels
from here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The six ITU development regions (what a pledge can target with "region:<code>").
ITU_REGIONS = ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR")
# Every value of Country.itu_region: the six regions and OE for territories outside them.
REGION_CODES = (*ITU_REGIONS, "OE")

REGION_NAMES = {
    "AFR": _l("Africa"), "AMS": _l("Americas"), "ARB": _l("Arab States"), "ASP": _l("Asia and the Pacific"),
    "CIS": _l("Commonwealth of Independent States"), "EUR": _l("Europe"), "OE": _l("Outside ITU regions"),
}

# Country groups of the UN (UN-OHRLLS lists) and "global" (a pledge that targets every country).
GROUP_NAMES = {"global": _l("Global pledges"), "ldc": _l("Least developed countries (LDC)"),
               "lldc": _l("Landlocked developing countries (LLDC)"),
               "sids": _l("Small island developing States (SIDS)")}


def region_name(code: str) -> str:
    """The reader's-language name of an ITU development region; an unknown code is returned as is."""
    name = REGION_NAMES.get(code)
    return str(name) if name is not None else code
