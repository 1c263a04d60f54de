"""The finder's pages, server side (Flask test client): what a person reads and can click."""
from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

from finder import mapview
from finder.web.render import (format_km, french_date, mailto_href, published_phrase,
                               safe_url, tel_href)
from tests.conftest import DEMO_MEETING_PLACES, DEMO_PLACES, group_row, write_inventory

CRISIS_HREFS = ("tel:080032123", "tel:107", "tel:078152556")


# ----- helpers -------------------------------------------------------------------------

class Page(HTMLParser):
    """Just enough of the DOM to check structure: tags with attributes, headings, labels."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[tuple[int, str]] = []
        self.labels_for: set[str] = set()
        self.scripts: list[tuple[dict, str]] = []
        self._heading: list = []
        self._script: list = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]
        if tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])
        if tag == "script":
            self._script = [attrs, ""]

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = []
        if tag == "script" and self._script:
            self.scripts.append(tuple(self._script))
            self._script = []

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data
        if self._script:
            self._script[1] += data

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag
                and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def with_class(self, cls: str, tag: str | None = None) -> list[dict]:
        return [a for t, a in self.tags if (tag is None or t == tag)
                and cls in (a.get("class") or "").split()]


def text_of(html: str) -> str:
    """Visible-ish text: tags removed, entities decoded, spaces collapsed (NBSP → space)."""
    html = re.sub(r"(?s)<(script|style|datalist)\b.*?</\1>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ")
                    .replace("\u00a0", " ").split())


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def distances(html: str) -> list[float]:
    """Distances of the listed results, in list order."""
    found = re.findall(r'<p class="distance"><strong>([^<]*)</strong>', html)
    values = []
    for text in found:
        number = re.search(r"(\d+(?:,\d+)?)", unescape(text)).group(1)
        values.append(float(number.replace(",", ".")))
    return values


def result_names(html: str) -> list[str]:
    return [unescape(n) for n in re.findall(
        r'class="result-name"[^>]*><a href="/groupes/[^"]*"[^>]*>([^<]*)</a>', html)]


@pytest.fixture
def map_calls(monkeypatch):
    """Record what the pages ask the map builder for (the map itself is tested elsewhere)."""
    calls = []
    real = mapview.build_map

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)
    monkeypatch.setattr(mapview, "build_map", spy)
    return calls


def import_rows(app, tmp_path, rows, name="inventory.csv"):
    path = write_inventory(tmp_path / name, rows)
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    return app


# ----- the search page -----------------------------------------------------------------

def test_no_input_lists_whole_inventory_with_honest_counts(client):
    pages = -(-DEMO_PLACES // 50)
    assert pages >= 2
    html = get(client, "/")
    counted = f"{DEMO_PLACES} adresses (dont {DEMO_MEETING_PLACES} lieux de réunion)"
    assert DEMO_MEETING_PLACES < DEMO_PLACES     # offices and postal addresses are not
    assert f"{counted}, page 1 sur {pages}" in text_of(html)
    assert len(Page(html).with_class("result", "li")) == 50
    page2 = get(client, "/?page=2")
    assert f"{counted}, page 2 sur {pages}" in text_of(page2)
    assert len(Page(page2).with_class("result", "li")) == min(50, DEMO_PLACES - 50)
    # The numbering of the second page goes on from the first.
    assert Page(page2).find("ol")[0]["start"] == "51"
    assert "Cette page de résultats n'existe pas" in text_of(get(client, f"/?page={pages + 1}", 400))


def test_postcode_search_is_nearest_first_with_approximate_french_distances(client):
    html = get(client, "/?postcode=5000&radius_km=50")
    text = text_of(html)
    assert re.search(r"\d+ (lieux de réunion|adresses \(dont \d+ lieux de réunion\)) à moins "
                     r"de 50 km de 5000 Namur", text)
    found = distances(html)
    assert len(found) >= 3
    assert found == sorted(found)
    assert all(d <= 50 for d in found)
    # Demo places are known at locality/commune precision: distances are approximate.
    labels = re.findall(r'<p class="distance"><strong>([^<]*)</strong>', html)
    assert all(label.startswith("≈") for label in labels)
    assert "(centre de la commune)" in text or "(centre de la localité)" in text
    assert re.search(r"≈\xa0\d+,\d\xa0km", html), "French decimal comma below 10 km"
    assert "Distances à vol d'oiseau depuis le centre de la localité 5000 Namur" in text


@pytest.mark.parametrize("typed", ["5000 Namur", "B-5000", "5000"])
def test_postcode_forms_are_understood(client, typed):
    html = get(client, "/?" + f"postcode={typed}".replace(" ", "+"))
    assert "à moins de 20 km de 5000 Namur" in text_of(html)
    # The search is a shareable link: the field shows what was typed.
    assert Page(html).find("input", id="postcode")[0]["value"] == typed


def test_commune_name_as_origin(client):
    text = text_of(get(client, "/?postcode=Ciney"))
    assert "à moins de 20 km de Ciney" in text
    assert "depuis le centre de la commune Ciney" in text


def test_nothing_within_radius_says_so_and_shows_the_nearest(client):
    html = get(client, "/?postcode=6830&radius_km=5")
    text = text_of(html)
    assert "Aucun groupe à moins de 5 km de 6830 Bouillon." in text
    assert "Les plus proches, au-delà de 5 km" in text
    nearest = distances(html)
    assert len(nearest) == 3 and nearest == sorted(nearest) and nearest[0] > 5
    # A link reaches the nearest one with the smallest distance that covers it.
    wider = Page(html).with_class("button-link", "a")
    assert wider and "radius_km=20" in wider[0]["href"]
    assert "Chercher à moins de 20 km" in text


def test_no_wider_search_is_offered_when_even_100_km_would_find_nothing(client):
    """From Arlon, the nearest "suites de traitements" group is further than 100 km:
    no button may promise a search that comes back empty again."""
    html = get(client, "/?postcode=6700&chapter=suites-de-traitements&radius_km=5")
    nearest = distances(html)
    assert nearest and nearest[0] > 100
    assert not Page(html).with_class("button-link", "a")
    assert "Chercher à moins de" not in text_of(html)


def test_unknown_postcode_gives_suggestions_that_redo_the_search(client):
    html = get(client, "/?postcode=1234&chapter=maladie")
    text = text_of(html)
    assert "Le code postal 1234 ne figure pas dans notre liste." in text
    links = [a["href"] for a in Page(html).find("a") if "postcode=" in a.get("href", "")
             and "1234" not in a["href"]]
    assert links, "suggestions are links"
    query = parse_qs(urlsplit(links[0]).query)
    assert query["chapter"] == ["maladie"]           # the rest of the search is kept
    follow = text_of(get(client, links[0]))
    assert re.search(r"à moins de 20 km de \d{4} ", follow)
    assert "ne figure pas" not in follow


def test_flemish_and_foreign_postcodes_are_explained_and_commune_search_offered(client):
    html = get(client, "/?postcode=9000")
    text = text_of(html)
    assert "Le code postal 9000 est en Flandre" in text
    assert "la Wallonie et Bruxelles" in text
    page = Page(html)
    assert page.find("input", id="commune"), "the commune field is there"
    assert "open" in page.with_class("more-criteria", "details")[0]
    assert "code postal étranger" in text_of(get(client, "/?postcode=F-59000"))


def test_commune_filter_keeps_places_of_that_commune_and_draws_its_outline(
        demo_app, map_calls):
    client = demo_app.test_client()
    from finder.db import get_store
    with demo_app.app_context():
        store = get_store()
        expected, meeting = store.db.execute(
            "SELECT count(*), sum(address_kind = 'reunion') FROM places"
            " WHERE commune_nis = '92094'").fetchone()
    assert expected > meeting > 0
    for value in ("Namur", "92094", "namur"):
        html = get(client, f"/?commune={value}")
        text = text_of(html)
        assert (f"{expected} adresses (dont {meeting} lieux de réunion) dans la commune de "
                "Namur") in text
        assert len(Page(html).with_class("result", "li")) == expected
        outline = map_calls[-1]["commune_outline"]
        assert outline["properties"]["nis"] == "92094"
        assert outline["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert "commune=" in map_calls[-1]["data_url"]


def test_commune_datalist_is_grouped_by_province(client):
    html = get(client, "/")
    page = Page(html)
    assert page.find("input", id="commune")[0]["list"] == "communes"
    options = re.findall(r'<option value="([^"]*)" label="([^"]*)">', html.split(
        '<datalist id="communes">')[1].split("</datalist>")[0])
    assert len(options) > 250
    provinces = [label for _, label in options]
    # Options of a province are together (one run per province).
    runs = [p for i, p in enumerate(provinces) if i == 0 or provinces[i - 1] != p]
    assert len(runs) == len(set(runs)) == 6
    assert ("Namur", "Province de Namur") in [(unescape(v), unescape(l)) for v, l in options]
    assert not page.find("select", id="commune"), "not a 281-entry select"


def test_unknown_commune_gives_suggestions(client):
    html = get(client, "/?commune=Namurr")
    text = text_of(html)
    assert "Commune inconnue : « Namurr »." in text
    assert any("commune=Namur" in a.get("href", "") for a in Page(html).find("a"))


def test_chapter_and_theme_filters(client):
    html = get(client, "/?chapter=dependance")
    items = Page(html).with_class("result", "li")
    assert items and all("chapter-dependance" in a["class"] for a in items)
    html = get(client, "/?theme=cancer")
    names = result_names(html)
    assert names
    assert "Thème : cancer" in text_of(html)


def test_services_without_place_are_shown_apart(client):
    html = get(client, "/?postcode=5000&chapter=dependance")
    text = text_of(html)
    assert "Accessibles de partout (téléphone, internet)" in text
    everywhere = html.split('class="everywhere"')[1]
    assert "Alcooliques Anonymes" in everywhere
    assert "tel:078152556" in everywhere
    # Filtered by chapter like the rest.
    assert "ABMM" not in everywhere
    other = get(client, "/?chapter=maladie")
    assert "Alcooliques Anonymes – Belgique francophone" not in other.split(
        'class="everywhere"')[-1]


def test_browser_position(client):
    html = get(client, "/?lat=50.4669&lon=4.8675")
    text = text_of(html)
    assert "à moins de 20 km de votre position" in text
    page = Page(html)
    assert page.find("input", name="lat")[0]["value"] == "50.46690"
    assert "hors de Wallonie" in text_of(get(client, "/?lat=48.85&lon=2.35"))


def test_pagination_links_keep_the_search(make_app):
    app = make_app(SEARCH_PAGE_SIZE=10)
    assert app.test_cli_runner().invoke(
        args=["import", "data/demo-inventory.csv"]).exit_code == 0
    client = app.test_client()
    html = get(client, "/?chapter=maladie&postcode=5000&radius_km=100")
    text = text_of(html)
    assert re.search(r"\d+ (lieux de réunion|adresses \(dont \d+ lieux de réunion\)) à moins "
                     r"de 100 km de 5000 Namur, page 1 sur \d", text)
    nxt = [a for a in Page(html).find("a") if a.get("rel") == "next"][0]["href"]
    query = parse_qs(urlsplit(nxt).query)
    assert query == {"postcode": ["5000"], "radius_km": ["100"], "chapter": ["maladie"],
                     "page": ["2"]}
    page2 = get(client, nxt)
    assert distances(page2)[0] >= distances(html)[-1]


# ----- bad input ---------------------------------------------------------------------

@pytest.mark.parametrize("query, words", [
    ("radius_km=10000", "Distance non prévue"),
    ("chapter=../../etc", "Ce chapitre n'existe pas"),
    ("postcode=" + "9" * 3000, "trop long"),
    ("lat=50.5", "latitude et une longitude"),
    ("page=abc", "n'est pas un nombre"),
    ("radius_km=nan", "n'est pas un nombre"),
])
def test_invalid_parameters_get_a_french_400_page(client, query, words):
    html = get(client, "/?" + query, 400)
    assert words in text_of(html)
    assert '<html lang="fr">' in html
    assert "Traceback" not in html
    assert all(href in html for href in CRISIS_HREFS)


def test_unknown_url_and_method_get_french_pages(client):
    html = get(client, "/nulle-part", 404)
    assert "Page introuvable" in text_of(html) and '<html lang="fr">' in html
    response = client.post("/")
    assert response.status_code == 405
    assert "Action non prévue" in text_of(response.get_data(as_text=True))
    assert "GET" in response.headers.get("Allow", "")


def test_server_error_gets_a_french_page_without_trace(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def boom():
        raise RuntimeError("secret detail")
    app.add_url_rule("/boom", view_func=boom)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Erreur du site" in text_of(html) and "secret detail" not in html
    assert "Traceback" not in html


def test_api_paths_get_json_errors(client):
    response = client.get("/api/nulle-part")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]["code"] == "not_found"


# ----- the group page ----------------------------------------------------------------

def test_group_page_shows_everything_about_a_group(client):
    html = get(client, "/groupes/ligue-alzheimer-asbl")
    text = text_of(html)
    page = Page(html)
    assert page.headings[0] == (1, "Ligue Alzheimer asbl")
    assert "<title>Ligue Alzheimer asbl ·" in html
    assert "La maladie" in text and "Association" in text
    assert "Pour qui personnes atteintes de démence, aidants proches, professionnels" in text
    assert "Ce qui est proposé Information" in text
    assert "non indiqué par la source (ce qui ne veut pas dire gratuit)" in text
    assert page.find("a", href="tel:042295810")
    assert page.find("a", href="mailto:ligue.alzheimer@alzheimer.be")
    assert "Informations publiées en 2016 (bilan d'activités)" in text
    assert page.find("a", href="https://fr.readkong.com/page/d-activit-s-ann-e-2016-ligue-"
                               "alzheimer-asbl-9678231")
    assert "Informations vérifiées le 24 novembre 2026" in text
    # Known only at commune precision: no directions, and it says why.
    assert "openstreetmap.org/directions" not in html
    assert "La position exacte de cette adresse n'est pas connue" in text
    report = [a["href"] for a in page.find("a") if a["href"].startswith("mailto:corrections@")]
    assert report
    subject = parse_qs(urlsplit(report[0]).query)["subject"][0]
    assert "Ligue Alzheimer asbl" in unquote(subject)
    assert page.with_class("map-region"), "a small map of its places"
    assert all(href in html for href in CRISIS_HREFS)


def test_the_doubts_of_the_sources_are_shown_on_the_group_page_and_in_the_list(client):
    text = text_of(get(client, "/groupes/cafe-deuil-de-tournai"))
    assert "À savoir sur ces informations" in text
    assert "DOUTE: un billet de blog de 2019 parle d'un café deuil à Tournai" in text
    listed = text_of(get(client, "/?postcode=7500&radius_km=5"))
    assert "Café deuil de Tournai" in listed
    assert "À savoir Lieu de parole existant depuis 2007" in listed
    assert "ce qui contredit « chaque premier lundi du mois »" in listed


def test_an_office_address_says_it_is_not_where_the_group_meets(client):
    text = text_of(get(client, "/groupes/similes-wallonie"))
    assert "Siège de l'association (pas un lieu de réunion)." in text
    listed = text_of(get(client, "/?postcode=1030&radius_km=5"))
    assert "Al-Anon / Alateen – groupes familiaux" in listed
    assert "Adresse postale (pas un lieu de réunion)" in listed
    meeting = text_of(get(client, "/groupes/cafe-deuil-de-tournai"))
    assert "pas un lieu de réunion" not in meeting


def test_group_without_place_says_it_is_reachable_from_everywhere(client):
    text = text_of(get(client, "/groupes/alcooliques-anonymes-belgique-francophone"))
    assert "accessible de partout (téléphone, internet)" in text
    assert "Self-help" in text


def test_unknown_group_is_a_french_404(client):
    html = get(client, "/groupes/n-existe-pas", 404)
    assert "Groupe introuvable" in text_of(html)
    get(client, "/groupes/" + "x" * 500, 404)


def test_exact_hidden_and_dated_places(make_app, tmp_path):
    app = make_app()
    import_rows(app, tmp_path, [
        group_row(group_id="exact", name="Groupe précis", street="Rue de Fer 1",
                  lat="50.4669", lon="4.8675", schedule="le 2e mardi, 14 h",
                  source_date="2023-01-24", services="ecoute;groupe-de-parole",
                  phone="081 22 33 44", email="contact@exemple.be",
                  website="https://exemple.be/groupe", cost="gratuit"),
        group_row(group_id="discret", name="Groupe discret", street="Rue Secrète 9",
                  place_label="Maison cachée", lat="50.4669", lon="4.8675",
                  show_exact="non", source_date="2021-09"),
    ])
    client = app.test_client()
    html = get(client, "/groupes/exact")
    text = text_of(html)
    page = Page(html)
    assert page.find("a", href="https://www.openstreetmap.org/directions?to=50.46690,4.86750")
    assert "Rue de Fer 1, 5000 Namur" in text
    assert "Horaire publié : le 2e mardi, 14 h" in text
    assert "Ce qui est proposé Écoute, Groupe de parole" in text
    assert "Coût gratuit" in text
    assert "Informations publiées le 24 janvier 2023" in text
    assert "Informations vérifiées le 1er novembre 2026" in text
    assert page.find("a", href="tel:081223344")
    assert page.find("a", href="https://exemple.be/groupe")

    hidden = get(client, "/groupes/discret")
    assert "Rue Secrète" not in hidden and "Maison cachée" not in hidden
    assert "openstreetmap.org/directions" not in hidden
    assert "Lieu exact non publié" in text_of(hidden)
    assert "Informations publiées en septembre 2021" in text_of(hidden)

    listing = get(client, "/?postcode=5000")
    assert "Rue Secrète" not in listing and "Maison cachée" not in listing
    rows = re.findall(r'<p class="distance"><strong>([^<]*)</strong>', listing)
    assert any(not r.startswith("≈") for r in rows), "an exact place has an exact distance"
    assert any(r.startswith("≈") for r in rows), "a hidden place only an approximate one"


# ----- safety: inventory text is escaped everywhere ----------------------------------

PAYLOADS = {
    "img": "<img src=x onerror=alert(1)>",
    "script": '"</script><script>alert(1)</script>',
    "template": "${alert(1)}{{7*7}}",
    "quotes": "L'\"entre\" \\ guillemets\\",
}


def test_inventory_text_is_escaped_in_list_group_page_and_title(make_app, tmp_path):
    app = make_app()
    import_rows(app, tmp_path, [
        group_row(group_id="xss-img", name=PAYLOADS["img"], description=PAYLOADS["script"],
                  schedule=PAYLOADS["img"], place_label=PAYLOADS["script"],
                  street=PAYLOADS["quotes"], cost=PAYLOADS["template"]),
        group_row(group_id="xss-script", name=PAYLOADS["script"], description=PAYLOADS["img"],
                  themes=PAYLOADS["quotes"], audience=PAYLOADS["img"]),
        group_row(group_id="xss-nowhere", name=PAYLOADS["quotes"], postcode="",
                  locality="", commune="", description=PAYLOADS["template"]),
    ])
    client = app.test_client()
    escaped_img = "&lt;img src=x onerror=alert(1)&gt;"
    escaped_script = "&#34;&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    for url, expected in (("/", escaped_img), ("/?postcode=5000", escaped_script),
                          ("/groupes/xss-img", escaped_script),
                          ("/groupes/xss-script", escaped_img),
                          ("/groupes/xss-nowhere", "${alert(1)}{{7*7}}"),
                          ("/?theme=" + quote(PAYLOADS["quotes"]), escaped_script)):
        html = get(client, url)
        assert "<img src=x" not in html, url
        assert "<script>alert(1)" not in html, url
        assert expected in html, url
        page = Page(html)
        for tag, attrs in page.tags:
            assert not any(name.startswith("on") for name in attrs), (url, tag, attrs)
        for attrs, _ in page.scripts:
            assert "src" in attrs or attrs.get("nonce"), (url, "inline script without nonce")
    title = re.search(r"<title>(.*?)</title>", get(client, "/groupes/xss-script"), re.S).group(1)
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in title
    assert "\\ guillemets\\" in text_of(get(client, "/groupes/xss-nowhere"))


def test_typed_text_is_escaped(client):
    html = get(client, "/?postcode=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&commune=%3Cb%3Ex")
    assert "<script>alert(1)" not in html and "<b>x" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html or \
        'value="&quot;&gt;&lt;script&gt;' in html


def test_link_helpers_only_make_safe_links():
    assert safe_url("https://exemple.be/a?b=1") == "https://exemple.be/a?b=1"
    assert safe_url("http://exemple.be") == "http://exemple.be"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "//evil.be",
                "exemple.be", "https://", "https://x.be/\"onmouseover=alert(1)", ""):
        assert safe_url(bad) is None, bad
    assert tel_href("02 736 99 99") == "tel:027369999"
    assert tel_href("+32 (0)2 736.99.99") == "tel:+32027369999"
    assert tel_href("javascript:alert(1)") is None
    assert tel_href("<img src=x onerror=alert(1)>") is None
    assert mailto_href("info@cancer.be") == "mailto:info@cancer.be"
    assert mailto_href("a@b.be", subject="Erreur « x » & y") == \
        "mailto:a@b.be?subject=Erreur%20%C2%AB%20x%20%C2%BB%20%26%20y"
    for bad in ("pas une adresse", "a@b", "<x>@y.be", "a@b.be?cc=evil@x.be", "javascript:x@y.be"):
        assert mailto_href(bad) is None, bad


def test_number_and_date_formats():
    assert format_km(7.46) == "7,5\xa0km"
    assert format_km(7.46, approximate=True) == "≈\xa07,5\xa0km"
    assert format_km(23.4) == "23\xa0km"
    assert format_km(9.96) == "10\xa0km"
    assert format_km(0.3) == "moins de\xa01\xa0km"
    assert format_km(3.0) == "3\xa0km"
    assert french_date("2023-01-24") == "24 janvier 2023"
    assert french_date("2023-08-01") == "1er août 2023"
    assert french_date("2021-09") == "septembre 2021"
    assert published_phrase("2015-07 (trimestriel n°226)") == \
        "informations publiées en 2015-07 (trimestriel n°226)"
    assert published_phrase("") == "date de publication non indiquée par la source"


# ----- on every page -----------------------------------------------------------------

@pytest.mark.parametrize("url, status", [
    ("/", 200), ("/?postcode=5000", 200), ("/groupes/ligue-alzheimer-asbl", 200),
    ("/groupes/inconnu", 404), ("/?radius_km=7", 400), ("/nulle-part", 404)])
def test_crisis_lines_and_demo_banner_on_every_page(client, url, status):
    html = get(client, url, status)
    for href in CRISIS_HREFS:
        assert f'href="{href}"' in html, (url, href)
    text = text_of(html)
    assert "Centre de Prévention du Suicide 0800 32 123" in text
    assert "Télé-Accueil 107" in text and "Alcooliques Anonymes 078 15 25 56" in text
    assert "Données de démonstration." in text
    assert "viennent de sources publiques et peuvent être dépassés" in text
    assert "vérifiez toujours par téléphone avant de vous déplacer" in text


def test_no_demo_banner_for_a_checked_inventory(make_app, tmp_path):
    app = import_rows(make_app(), tmp_path, [group_row(demo="non")])
    html = get(app.test_client(), "/")
    assert "Données de démonstration" not in html
    assert 'href="tel:080032123"' in html


def test_print_stylesheet_is_linked_and_prints_sensibly(client):
    html = get(client, "/?postcode=5000")
    links = Page(html).find("link", rel="stylesheet", media="print")
    assert links
    css = client.get(links[0]["href"]).get_data(as_text=True)
    hidden = " ".join(selectors for selectors in re.findall(r"([^{}]+)\{[^}]*display:\s*none", css))
    for selector in (".map-region", ".search-form", ".pagination", ".skip-map"):
        assert selector in hidden, selector
    assert 'content: " (" attr(href) ")"' in css
    assert "break-inside: avoid" in css and ".result" in css


# ----- works without JavaScript, accessibility basics --------------------------------

def test_list_works_without_javascript(client):
    html = get(client, "/?postcode=5000")
    page = Page(html)
    form = page.find("form")[0]
    assert form["method"] == "get" and form["action"] == "/#resultats"   # lands on the results
    assert [a for a in page.find("button") if a.get("type") == "submit"]
    # The results are in the HTML, with links to the group pages.
    assert len(result_names(html)) >= 3
    # "Autour de moi" needs JavaScript: hidden until the script shows it.
    locate = [b for b in page.find("button") if "data-locate" in b]
    assert locate and "hidden" in locate[0]
    assert [a for a, _ in page.scripts
            if urlsplit(a.get("src", "")).path == "/static/js/locate-me.js"]


def test_accessibility_basics(client):
    html = get(client, "/?postcode=5000")
    page = Page(html)
    assert '<html lang="fr">' in html
    fields = [a for t, a in page.tags if t in ("input", "select", "textarea")
              and a.get("type") != "hidden"]
    assert len(fields) >= 5
    for attrs in fields:
        assert attrs.get("id") in page.labels_for, attrs
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[levels.index(1) + 1:].count(1) == 0
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, page.headings
    assert page.find("p", role="status", class_="summary")
    region = page.with_class("map-region", "section")[0]
    assert region.get("aria-label")
    skip = [a for a in page.find("a") if a.get("href") == "#liste"]
    assert skip and "Passer la carte" in html
    assert page.find("div", id="liste")
    assert page.find("meta", name="viewport")


def test_only_nonced_inline_script(client):
    for url in ("/?postcode=5000", "/groupes/ligue-alzheimer-asbl"):
        page = Page(get(client, url))
        inline = [a for a, _ in page.scripts if "src" not in a]
        assert len(inline) <= 1 and all(a.get("nonce") for a in inline)
        scripts = [a["src"] for a, _ in page.scripts if "src" in a] + \
            [a["href"] for a in page.find("link") if a.get("href")
             and a.get("rel") != "alternate"]      # hreflang links name pages, load nothing
        assert all(s.startswith("/") and not s.startswith("//") for s in scripts), scripts


def test_render_finder_serves_a_locked_embed_layout(demo_app):
    from finder.web.pages import render_finder

    def embedded():
        return render_finder("finder.html", embed=True, locked=frozenset({"chapter"}),
                             link_args={"lock": "chapter"})
    demo_app.add_url_rule("/essai-embed", view_func=embedded)
    html = get(demo_app.test_client(), "/essai-embed?chapter=maladie&postcode=5000")
    page = Page(html)
    assert not page.find("select", id="chapter")
    assert page.find("input", type="hidden", name="chapter")[0]["value"] == "maladie"
    assert page.find("input", type="hidden", name="lock")[0]["value"] == "chapter"
    group_links = [a for a in page.find("a") if a.get("href", "").startswith("/groupes/")]
    assert group_links and all(a.get("target") == "_blank" for a in group_links)
    reset = page.with_class("reset", "a")[0]["href"]
    assert "chapter=maladie" in reset and "lock=chapter" in reset and "postcode" not in reset
