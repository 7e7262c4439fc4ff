"""The verification checklist and the limits of the verifier's forms (one place for forms and services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

NOTES_MAX = 5000

# Answers to one checklist item.
YES, NO, NOT_APPLICABLE = "yes", "no", "n/a"
ANSWERS = ((YES, _l("Yes")), (NO, _l("No")), (NOT_APPLICABLE, _l("Not applicable")))

# (code, question). The verifier answers every item; "verified" needs no "no" and a "yes" on the
# items in REQUIRED_FOR_VERIFIED (the figures are supported by dated, independent evidence).
CHECKLIST: tuple[tuple[str, object], ...] = (
    ("evidence_reachable", _l("Every evidence link or file opens and can be read.")),
    ("figures_match", _l("The evidence supports the achieved values reported for each target.")),
    ("dates_in_period", _l("The evidence is dated within the year reported on (or states the position at its end).")),
    ("source_independent", _l("At least one piece of evidence comes from a source independent of the pledger "
                              "(a government, regulator, auditor, partner or published statistics).")),
    ("beneficiaries_consistent", _l("People reached per beneficiary group are consistent with the evidence.")),
    ("disbursement_documented", _l("The USD disbursed to date is documented (statement, audit, budget report).")),
    ("no_double_counting", _l("The figures are not also counted under another pledge of the coalition.")),
)
CHECKLIST_CODES = tuple(code for code, _question in CHECKLIST)
REQUIRED_FOR_VERIFIED = ("figures_match", "dates_in_period", "source_independent")
