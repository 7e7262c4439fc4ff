"""Pledging events: the event pages (/events, /events/<slug>), the live counter, and the team's
"to be announced" list (pledges approved under an embargo until their announcement time)."""
