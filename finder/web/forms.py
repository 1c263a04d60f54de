"""CSRF protection for every POST (Flask-WTF's CSRFProtect), with a French answer.

Templates put `<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">` in
every form. The token is bound to the session and valid as long as it lasts.
"""
from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from ..translatable import N_

csrf = CSRFProtect()

MESSAGE = N_("Le formulaire a expiré ou ne vient pas de ce site, et rien n'a été "
             "enregistré. Rechargez la page, puis recommencez : ce que vous aviez tapé est "
             "peut-être encore affiché dans la page précédente de votre navigateur.")


TITLE = N_("Formulaire expiré")         # the answer to a CSRFError: errors.py


def init_app(app: Flask) -> CSRFProtect:
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)     # as long as the session
    csrf.init_app(app)
    return csrf
