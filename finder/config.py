"""Configuration: defaults < instance/config.py < environment variables (FINDER_ prefix).

Read once in create_app(); modules receive the values they need.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = Path(__file__).resolve().parent
# The reference geography shipped with the package (a copy of ../shared/geo, see
# finder/geodata/README.md); FINDER_GEO_DIR points elsewhere for newer boundaries.
PACKAGED_GEO_DIR = PACKAGE_DIR / "geodata"


@functools.lru_cache(maxsize=None)
def data_file(name: str) -> Path:
    """A file of the maintainer's data folder: data/ in a checkout, installed as finder.data.
    Where it is does not change while the process runs: found once per name (the school
    calendar is looked up for every place of every page)."""
    try:
        from importlib.resources import files
        return Path(str(files("finder.data") / name))
    except ModuleNotFoundError:       # running from a checkout that was not pip-installed
        return PROJECT_ROOT / "data" / name


DEMO_INVENTORY_NAME = "demo-inventory.csv"


def defaults(instance_path: str) -> dict:
    return {
        # SQLite inventory file; the instance folder by default.
        "DATABASE": os.path.join(instance_path, "finder.sqlite"),
        # Reference geography (communes.geojson, postcodes.csv): the packaged copy.
        "GEO_DIR": str(PACKAGED_GEO_DIR),
        # Everyday place names that are not postal localities ("LLN", "Stockel"):
        # empty = data/place-aliases.csv (finder.data once installed).
        "PLACE_ALIASES": "",
        # Online geocoding (Nominatim) is opt-in; offline geocoding always works.
        "GEOCODING_ONLINE": False,
        "NOMINATIM_DOMAIN": "nominatim.openstreetmap.org",
        "NOMINATIM_SCHEME": "https",
        "NOMINATIM_MIN_DELAY_SECONDS": 1.0,
        "MAINTAINER_EMAIL": "corrections@entraide-finder.example",
        "USER_AGENT": "entraide-finder/0.1",
        # Map tiles: the only thing the browser fetches from elsewhere, and only if set so.
        "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "TILE_ATTRIBUTION": "&copy; contributeurs <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>",
        "TILE_MAX_ZOOM": 19,
        # Who may put /embed in an iframe: "*" or a space-separated list of origins.
        "EMBED_FRAME_ANCESTORS": "*",
        "SEARCH_PAGE_SIZE": 50,
        # The maintainers' admin (finder/web/admin). SECRET_KEY signs the session cookie:
        # from configuration (FINDER_SECRET_KEY, instance/config.py) or the file
        # SECRET_KEY_FILE (`make run`/`make serve` write instance/secret_key once).
        "SECRET_KEY_FILE": os.path.join(instance_path, "secret_key"),
        "SESSION_COOKIE_SECURE": None,       # None: Secure unless testing or debugging
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "ADMIN_SESSION_HOURS": 8,
        # Failed logins allowed per account and per client address before a 429.
        "LOGIN_LIMIT_ACCOUNT": "5/15 minutes",
        "LOGIN_LIMIT_CLIENT": "20/15 minutes",
        # Public proposals ("Proposer un groupe", "Signaler une erreur") per client address.
        "PROPOSAL_LIMIT": "5/hour",
        # The printed inventory's PDFs, built in the background (finder/printjobs.py):
        # empty = `brochures/` beside DATABASE. BROCHURE_WARM: an import or an admin edit
        # starts building the whole inventory's PDF for the new version at once.
        "BROCHURE_DIR": "",
        # The site's address, printed on the brochure's cover (empty: the address a
        # request used; a PDF prepared by a command then prints none).
        "SITE_URL": "",
        "BROCHURE_WARM": True,
    }


def configure(app, overrides: dict | None = None) -> None:
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("FINDER")
    if overrides:
        app.config.update(overrides)
    # Relative paths from the environment are relative to where the command runs.
    for key in ("DATABASE", "GEO_DIR", "PLACE_ALIASES"):
        if app.config[key]:
            app.config[key] = str(Path(app.config[key]).expanduser().resolve())
    configure_sessions(app)


class MissingSecretKey(SystemExit):
    """Serving in production without a secret key: refused with one readable paragraph."""


SECRET_KEY_MESSAGE = (
    "Démarrage impossible : aucune clé secrète (SECRET_KEY) n'est configurée ; elle signe "
    "les sessions des mainteneurs.\n"
    "Cannot start: set FINDER_SECRET_KEY (or SECRET_KEY in instance/config.py), or write a "
    "long random value to {path} — `make run` and `make serve` create that file once:\n"
    "  python3 -c 'import secrets; print(secrets.token_hex(32))' > {path}")


def serving() -> bool:
    """True unless a maintenance command (import, users, export...) loads the app: those
    never sign a cookie. gunicorn has no click context; `flask run` runs as "run"."""
    try:
        import click
        ctx = click.get_current_context(silent=True)
    except Exception:                                     # pragma: no cover
        return True
    return ctx is None or ctx.info_name == "run"


def require_secret_key(app) -> None:
    """Called last by create_app (after the database and geography checks, whose messages
    come first): serving in production without a key is refused."""
    if not app.config.get("SECRET_KEY"):
        raise MissingSecretKey(SECRET_KEY_MESSAGE.format(path=app.config["SECRET_KEY_FILE"]))


def configure_sessions(app) -> None:
    """Secret key and session cookie: Secure unless testing or debugging over plain HTTP,
    expiring after ADMIN_SESSION_HOURS. Production without a key does not start."""
    from datetime import timedelta
    cfg = app.config
    if not cfg.get("SECRET_KEY"):
        key_file = Path(cfg["SECRET_KEY_FILE"])
        if key_file.is_file():
            cfg["SECRET_KEY"] = key_file.read_text(encoding="utf-8").strip()
    dev = bool(app.testing or app.debug)
    if not cfg.get("SECRET_KEY") and (dev or not serving()):
        import secrets
        # Development or a command: a key for this process only (sessions end with it).
        cfg["SECRET_KEY"] = secrets.token_hex(32)
    if cfg.get("SESSION_COOKIE_SECURE") is None:
        cfg["SESSION_COOKIE_SECURE"] = not dev
    cfg["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=float(cfg["ADMIN_SESSION_HOURS"]))
