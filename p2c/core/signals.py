"""Signals that let features react to each other without importing each other.

A lower package sends; the higher packages that care answer, in the same transaction (receivers
flush, never commit). Receivers are connected explicitly by the app factory.

- `bulk_loaded`: many rows were written outside the normal services (demo data, imports);
  receivers rebuild derived data such as rollups. Sent with the app; kwargs: `what`.
- `submission_decided`: a review decision was recorded (kind, record, old and new status);
  sent by the review services before the commit, so receivers write in the same transaction.
- `organization_changed`: fields of an organization that pledges are counted by (stakeholder
  group, country) changed, or it absorbed another in a merge; kwargs: `organization_id`. The
  rollup projection re-counts the pledges it leads.
- `organizations_merged`: organization `merged_id` was merged into `keep_id`; receivers move what
  they keep for the merged one (API tokens) to the one kept. kwargs: `keep_id`, `merged_id`.
- `organization_usage`: asks what else points at an organization, before a merge; each receiver
  returns {label: count} (e.g. {"api_tokens": 2}). kwargs: `organization_id`.
- `private_links_wanted`: someone asked /access for the private links of an e-mail address; each
  receiver returns the links of its own records held by that address, as a list of dicts
  (reference, title, status, link, contact_id). kwargs: `email`.
"""

from blinker import Namespace

_signals = Namespace()

bulk_loaded = _signals.signal("bulk-loaded")
submission_decided = _signals.signal("submission-decided")
organization_changed = _signals.signal("organization-changed")
organizations_merged = _signals.signal("organizations-merged")
organization_usage = _signals.signal("organization-usage")
private_links_wanted = _signals.signal("private-links-wanted")
