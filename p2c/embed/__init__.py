"""Embeddable widgets: counters and a pledge badge that any site may frame (/embed/...)."""
