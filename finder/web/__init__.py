"""Views: pages, embed and API. They call search; they never build SQL."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    pass
