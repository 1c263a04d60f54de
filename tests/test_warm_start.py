"""A server's master prepares what pages need before it forks its workers (db.before_fork,
gunicorn.conf.py pre_fork): a worker's first visitors get their page without waiting for
the templates to compile or the inventory's indexes to be built."""
import jinja2
import pytest

from finder.clusters import ClusterIndex
from finder.db import before_fork
from finder.textindex import TextIndex

FIRST_VISITS = ("/", "/?q=parkinson", "/?postcode=5000&q=deuil",
                "/carte/lieux.json?z=8&tiles=130,86,131,87")


@pytest.fixture
def builds(monkeypatch):
    """What was built during the requests: template compilations, indexes."""
    seen = []

    def counting(owner, name, label, only=None):
        original = getattr(owner, name)
        if isinstance(owner.__dict__[name], classmethod):
            def wrapper(cls, *args, **kwargs):
                seen.append(label)
                return original(*args, **kwargs)
            monkeypatch.setattr(owner, name, classmethod(wrapper))
        else:
            def method(self, *args, **kwargs):
                if only is None or self is only:
                    seen.append(label)
                return original(self, *args, **kwargs)
            monkeypatch.setattr(owner, name, method)

    def start(app):
        # The site's templates (Folium's own small templates are compiled by branca
        # whenever a map is built, in an environment of its own: not counted here).
        counting(jinja2.Environment, "compile", "template", only=app.jinja_env)
        counting(TextIndex, "build", "text index")
        counting(ClusterIndex, "from_points", "map clusters")
        return seen
    return start


def visit(app):
    client = app.test_client()
    for url in FIRST_VISITS:
        assert client.get(url).status_code == 200, url
    assert "Parkinson" in client.get("/?q=parkinson").get_data(as_text=True)


def test_after_before_fork_the_first_visitors_wait_for_nothing_to_be_built(demo_app, builds):
    before_fork(demo_app)
    seen = builds(demo_app)
    visit(demo_app)
    assert seen == []


def test_a_worker_not_prepared_builds_while_its_first_visitors_wait(demo_app, builds):
    seen = builds(demo_app)
    visit(demo_app)
    assert {"template", "text index", "map clusters"} <= set(seen)
