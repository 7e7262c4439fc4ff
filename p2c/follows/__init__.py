"""Follows: anyone follows a pledge, an organization, a country or a focus area by e-mail (double opt-in,
one-click unsubscribe) and gets a digest of what was approved; Atom feeds of the same."""
