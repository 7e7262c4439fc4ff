"""Administration: staff accounts, calls for interest, goals, pillars, exchange rates, events, audit log."""
