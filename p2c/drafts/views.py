"""The drafts blueprint: it only carries the feature's templates (saved, gone, delete, the mail). The
routes that save and reopen drafts belong to the forms they continue (p2c.pledges.draft_views and
p2c.implementation.views)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("drafts", __name__, template_folder="templates")
