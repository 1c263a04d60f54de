"""Views: pages, map data, embed, API and admin. They call search; they never build SQL.

`init_app` is the one place where the site's blueprints and request hooks are registered,
in this order (no other module registers an app-wide hook or rewrites a view):

1. the request log: first `before_request` (it times everything) and, because Flask runs
   `after_request` functions last-registered first, the last to see the response;
2. compression (compression.py: Flask-Compress for pages and JSON, static files
   precompressed), so that it runs after every other hook has shaped the response;
3. security: trusted proxies, the public base URL and trusted hosts, security headers;
4. fingerprinted static files (their Cache-Control);
5. rate limits on routes (Flask-Limiter's `before_request`), budgets for actions (throttle);
6. start-up checks of other settings (SCHEDULE_NOW); the language (i18n.py);
7. CSRF on every POST (the read-only API exempt);
8. the error policy (errors.py: JSON under /api/ and for the map data, pages elsewhere);
9. the blueprints: Leaflet assets, pages, map data, embed, API, calendars (.ics), health,
   admin, proposals.
"""
from __future__ import annotations

from flask import Flask

from ..db import StartupError, startup_message


def init_app(app: Flask) -> None:
    from . import (admin, api, assets, brochure, calendar, clock, compression, embed, errors,
                   forms, health, i18n, mapdata, pages, proposals, ratelimit, requestlog,
                   security, static_cache, throttle)

    requestlog.init_app(app)
    compression.init_app(app)
    try:
        security.init_app(app)
        static_cache.init_app(app)
        ratelimit.init_app(app)
    except ValueError as exc:       # SecurityConfigError, RATELIMIT_EXEMPT: one paragraph
        raise StartupError(startup_message(exc, "FINDER_" + str(exc).split()[0])) from None
    throttle.init_app(app)
    clock.init_app(app)
    i18n.init_app(app)
    csrf = forms.init_app(app)
    csrf.exempt(api.bp)                  # read-only, no session: nothing to forge
    errors.init_app(app)
    assets.init_app(app)
    for blueprint in (pages.bp, mapdata.bp, embed.bp, api.bp, calendar.bp, brochure.bp,
                      health.bp, admin.bp, proposals.bp):
        app.register_blueprint(blueprint)
    app.after_request(brochure.warm_after_write)     # an edit: the new version's brochure
