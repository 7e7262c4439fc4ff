"""The team's form to prepare a pledge "to be announced" at an event."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from p2c.core.forms import CleanForm


class AnnouncementForm(CleanForm):
    """A pledge reference and the moment it becomes public (UTC)."""

    reference = StringField(_l("Pledge reference"), validators=[
        DataRequired(_l("Enter the pledge's reference, e.g. P2C-2026-00042.")), Length(max=24)])
    public_from = DateTimeLocalField(
        _l("Public from (UTC)"), format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Enter the date and time of the announcement."))],
        description=_l("Until then the pledge stays out of every public page, the API, the exports and the "
                       "figures, even once approved."))
