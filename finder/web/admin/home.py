"""The admin's first page."""
from __future__ import annotations

from flask import render_template

from ...db import get_writer
from . import bp


@bp.get("/")
def home():
    return render_template("admin/home.html", counts=get_writer().counts())
