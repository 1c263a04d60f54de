"""Views: pages, map data, embed and API. They call search; they never build SQL."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import api, assets, embed, forms, mapdata, pages, security, throttle

    security.init_app(app)
    from . import clock; clock.init_app(app)  # noqa: E702
    csrf = forms.init_app(app)
    csrf.exempt(api.bp)                  # read-only, no session: nothing to forge
    throttle.init_app(app)
    assets.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(mapdata.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(api.bp)
    from . import calendar; app.register_blueprint(calendar.bp)  # noqa: E702
    from . import health, pagecache; app.register_blueprint(health.bp); pagecache.init_app(app)  # noqa: E702,E501
    from . import admin, proposals; admin.init_app(app); app.register_blueprint(proposals.bp)  # noqa: E702,E501
