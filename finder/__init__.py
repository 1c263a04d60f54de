"""Entraide finder: find a self-help or support group near you, in Wallonia and Brussels."""
from __future__ import annotations

import os

from flask import Flask

from .config import PROJECT_ROOT, configure


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    configure(app, test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    from . import db
    db.init_app(app)

    from . import cli
    cli.init_app(app)

    from .web import init_app as init_web
    init_web(app)
    return app
