"""The maintainers' admin under /admin: sign in, edit the inventory, review proposals.

Every admin response is never framed (frame-ancestors 'none'), never cached (no-store)
and never indexed (X-Robots-Tag). Every admin page needs a session except the sign-in
page; every state-changing request is a POST with a CSRF token (Flask-WTF's CSRFProtect,
installed for the whole app in web/__init__).
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, redirect, request, url_for

from ..security import set_frame_ancestors

bp = Blueprint("admin", __name__, url_prefix="/admin")
PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def _guard():
    set_frame_ancestors("'none'")
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if auth.current_account() is None:
        if request.method == "GET":
            return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
        return auth.forbidden(401, "Votre session a pris fin : reconnectez-vous.")
    return None


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.context_processor
def _admin_context() -> dict:
    from ...models import ROLES
    return {"admin_account": auth.current_account, "roles": ROLES}


# The routes, registered on `bp` when imported (after it exists).
from . import auth, accounts, groups, home, review  # noqa: E402,F401


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
