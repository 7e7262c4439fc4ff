"""Signals that let features react to each other without importing each other.

- `bulk_loaded`: many rows were written outside the normal services (demo data, imports);
  receivers rebuild derived data such as rollups. Sent with the app; kwargs: `what`.
- `submission_decided`: a review decision was recorded (kind, record, old and new status);
  sent by the review services before the commit, so receivers write in the same transaction.
"""

from blinker import Namespace

_signals = Namespace()

bulk_loaded = _signals.signal("bulk-loaded")
submission_decided = _signals.signal("submission-decided")
