"""Rollup tables (a write-side projection of approved pledges) and their reads.

Written only by `p2c.reporting.projection`; read by reporting, the pledge directory and the API.
Imports no feature, so every reader sits above it.
"""
