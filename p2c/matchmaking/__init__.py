"""Matchmaking: country needs (submitted by governments, regulators and ITU regional offices, reviewed,
then public at /needs), the approved pledges and organizations that could answer each one (a transparent
score, `ranking.py`), and introductions the coalition team makes by e-mail."""
