"""The `pledges` blueprint. Its routes live in two modules with different audiences:
`views.py` (the public pledge form, /pledges/new) and `directory_views.py` (the directory and the
public pledge pages, /pledges and /pledges/<ref>)."""

from flask import Blueprint

bp = Blueprint("pledges", __name__, template_folder="templates")
