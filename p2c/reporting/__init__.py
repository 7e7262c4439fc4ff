"""Aggregation: the progress figures, goals and charts (/progress, country pages, /api/v1/progress).

Not read-only: `projection.py` is the write side that keeps the rollup tables (`p2c.rollups`) in
step with every change of pledges and reports, in the same transaction; the app factory wires it.
Everything else here reads.
"""
