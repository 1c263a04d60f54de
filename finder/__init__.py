"""Entraide finder: find a self-help or support group near you, in Wallonia and Brussels."""
from __future__ import annotations

import os

from flask import Flask

from .config import configure, require_secret_key


def create_app(test_config: dict | None = None) -> Flask:
    # Templates and static files are package data (finder/templates, finder/static), so an
    # installed wheel serves every page, as flaskr does.
    app = Flask(__name__, instance_relative_config=True)
    configure(app, test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    from . import db
    db.init_app(app)

    from . import cli
    cli.init_app(app)

    from .web import init_app as init_web
    init_web(app)
    require_secret_key(app)
    return app
