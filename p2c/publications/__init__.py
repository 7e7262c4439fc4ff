"""Frozen, published progress reports (/reports)."""
