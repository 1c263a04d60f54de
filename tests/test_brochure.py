"""The printed inventory (issue 15), read back from the PDF as a person would read it."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from finder import create_app
from finder.models import CHAPTER_TITLES, CHAPTERS, KINDS

from .conftest import DEMO_INVENTORY, group_row, init_database, write_inventory

NOW = "2026-12-01T09:00"


def pages_text(body: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (a name may wrap over two lines)."""
    reader = PdfReader(io.BytesIO(body))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def page_of(pages: list[str], text: str, start: int = 0) -> int:
    """The number (from 1) of the first page at or after `start` holding text."""
    for number, page in enumerate(pages[start:], start=start + 1):
        if text in page:
            return number
    raise AssertionError(f"{text!r} is on no page")


def group_page(pages: list[str], group) -> int:
    """The page of the group's own entry: its name followed by its type and chapter (its
    name alone may appear earlier, in another group's description)."""
    return page_of(pages, f"{group.name} {KINDS.get(group.kind, group.kind)} · "
                          f"{CHAPTER_TITLES[group.chapter]}", 3)


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory, geo_dir):
    """The whole demo inventory printed once by the command, and the app it came from."""
    folder = tmp_path_factory.mktemp("brochure")
    init_database(folder / "finder.sqlite")
    app = create_app({"TESTING": True, "DATABASE": str(folder / "finder.sqlite"),
                      "GEO_DIR": str(geo_dir), "GEOCODING_ONLINE": False,
                      "SECRET_KEY": "a key for the tests only", "SCHEDULE_NOW": NOW})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0
    out = folder / "inventaire.pdf"
    result = runner.invoke(args=["brochure", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "pages" in result.output          # progress: the layout's stages are reported
    with app.app_context():
        from finder.db import get_inventory
        groups = get_inventory().store().all_groups()
    return app, out.read_bytes(), groups


def test_every_group_is_printed_once_in_its_chapter(demo_pdf):
    app, body, groups = demo_pdf
    pages = pages_text(body)
    assert body.startswith(b"%PDF")
    assert len(groups) > 50
    chapter_pages = {slug: page_of(pages, f"Chapitre {n} {title}")
                     for n, (slug, title, _) in enumerate(CHAPTERS, start=1)}
    everywhere_page = page_of(pages, "Sans lieu de réunion Accessibles de partout", 2)
    order = sorted(chapter_pages.values()) + [everywhere_page]
    for group in groups:
        where = group_page(pages, group)
        if group.places:
            first = chapter_pages[group.chapter]
            after = [p for p in order if p > first]
            assert first <= where < (after[0] if after else 10 ** 6), group.name
        else:
            assert where >= everywhere_page, group.name


def test_cover_says_demo_version_date_and_crisis_lines(demo_pdf):
    _, body, _ = demo_pdf
    cover = pages_text(body)[0]
    assert "Données de démonstration." in cover
    assert "vérifiez toujours par téléphone" in cover
    assert re.search(r"Version de l'inventaire du \d{1,2}(er)? \w+ \d{4}", cover)
    for number in ("0800 32 123", "107", "112"):
        assert number in cover


def test_table_of_contents_gives_the_pages_where_chapters_start(demo_pdf):
    _, body, _ = demo_pdf
    pages = pages_text(body)
    toc = pages[1]
    assert "Table des matières" in toc
    assert f"Cette brochure compte {len(pages)} pages." in toc
    assert f", {len(pages)} pages." in pages[0]                      # the cover too
    for number, page in enumerate(pages, start=1):         # the chapters' pages follow on
        assert re.search(rf"\bPage {number}\b", page), number
    for n, (slug, title, _) in enumerate(CHAPTERS, start=1):
        found = re.search(re.escape(f"{n}. {title}") + r" ?\.+ ?(\d+)", toc)
        assert found, title
        assert int(found.group(1)) == page_of(pages, f"Chapitre {n} {title}")
    found = re.search(r"Index des communes ?\.+ ?(\d+)", toc)
    assert int(found.group(1)) == page_of(pages, "Index des communes", 2)


def test_indexes_point_to_the_pages_of_the_groups(demo_pdf):
    _, body, groups = demo_pdf
    pages = pages_text(body)
    communes_start = page_of(pages, "Index des communes Les groupes", 2)
    themes_start = page_of(pages, "Index des thèmes Les groupes", 2)
    communes = " ".join(pages[communes_start - 1:themes_start - 1])
    themes = " ".join(pages[themes_start - 1:])
    checked = 0
    for group in groups:
        for place in group.places:
            assert place.commune_name in communes, place.commune_name
        if group.places and group.themes:
            assert group.themes[0] in themes, group.themes[0]
        # "Name, p. 12": the page given is the page where the group is printed.
        found = re.search(re.escape(group.name) + r", p\. (\d+)", communes)
        if found and group.places:
            assert int(found.group(1)) == group_page(pages, group), group.name
            checked += 1
    assert checked >= 40


def test_pdf_is_a4_tagged_french_with_embedded_fonts(demo_pdf):
    _, body, _ = demo_pdf
    reader = PdfReader(io.BytesIO(body))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)   # A4 in points
    root = reader.trailer["/Root"]
    assert root.get("/Lang") == "fr"
    assert "/StructTreeRoot" in root                  # tagged (PDF/UA-1)
    assert root["/MarkInfo"]["/Marked"]
    fonts = reader.pages[3]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = (font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                      if "/DescendantFonts" in font else font["/FontDescriptor"])
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert "Page 4" in pages_text(body)[3]


def _app_with(make_app, tmp_path, rows):
    app = make_app(SCHEDULE_NOW=NOW)
    path = write_inventory(tmp_path / "inv.csv", rows)
    result = app.test_cli_runner().invoke(args=["import", str(path), "--force"])
    assert result.exit_code == 0, result.output
    return app


def test_hidden_place_is_printed_at_its_commune_only(make_app, tmp_path):
    app = _app_with(make_app, tmp_path, [
        group_row(group_id="refuge", name="Groupe du refuge", street="Rue Secrète 12",
                  place_label="Maison cachée", show_exact="non", demo="non",
                  schedule="le mardi, 14 h"),
        group_row(group_id="visible", name="Groupe visible", street="Rue de Fer 1",
                  demo="non")])
    assert app.test_cli_runner().invoke(args=["brochure", "--warm"]).exit_code == 0
    response = app.test_client().get("/inventaire.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = " ".join(pages_text(response.data))
    assert "Groupe du refuge" in text and "Groupe visible" in text
    assert "Rue de Fer 1" in text
    assert "Secrète" not in text and "Maison cachée" not in text
    assert "lieu exact non publié" in text
    assert "Prochaine réunion" in text and "le mardi, 14 h" in text
    assert "démonstration" not in text                 # a checked inventory says nothing


def test_route_serves_the_prepared_edition_of_a_chapter_and_province(make_app, tmp_path):
    app = _app_with(make_app, tmp_path, [
        group_row(group_id="namur", name="Parole à Namur", chapter="dependance"),
        group_row(group_id="liege", name="Parole à Liège", chapter="dependance",
                  postcode="4000", locality="Liège", commune="Liège"),
        group_row(group_id="autre", name="Autre chapitre", chapter="maladie")])
    client = app.test_client()
    warm = app.test_cli_runner().invoke(
        args=["brochure", "--warm", "--chapter", "dependance", "--province", "namur"])
    assert warm.exit_code == 0, warm.output
    first = client.get("/inventaire.pdf?chapter=dependance&province=Namur")
    assert first.status_code == 200
    text = " ".join(pages_text(first.data))
    assert "Parole à Namur" in text
    assert "Parole à Liège" not in text and "Autre chapitre" not in text
    assert "La dépendance · Province de Namur" in text
    again = client.get("/inventaire.pdf?chapter=dependance&province=Namur",
                       headers={"If-None-Match": first.headers["ETag"].strip('"')})
    assert again.status_code == 304
    assert client.get("/inventaire.pdf?province=namur&chapter=dependance").data == first.data


@pytest.mark.parametrize("query, word", [("chapter=nimporte", "sujet"),
                                         ("province=Atlantide", "province")])
def test_route_refuses_unknown_options_in_french(client, query, word):
    response = client.get(f"/inventaire.pdf?{query}")
    assert response.status_code == 400
    assert word in response.get_data(as_text=True)


def test_command_refuses_an_unknown_province(demo_app, tmp_path):
    result = demo_app.test_cli_runner().invoke(
        args=["brochure", "-o", str(tmp_path / "x.pdf"), "--province", "Atlantide"])
    assert result.exit_code == 2
    assert "province n'est pas connue" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_search_page_prints_its_results(make_app, tmp_path):
    app = _app_with(make_app, tmp_path, [
        group_row(group_id="namur", name="Parole à Namur"),
        group_row(group_id="loin", name="Groupe lointain", postcode="6700",
                  locality="Arlon", commune="Arlon")])
    client = app.test_client()
    page = client.get("/?postcode=5000&radius_km=10").get_data(as_text=True)
    link = re.search(r'href="(/resultats\.pdf\?[^"]+)"[^>]*>Imprimer ces résultats', page)
    assert link, "no 'Imprimer ces résultats' link"
    assert "50 lieux au plus" in page                    # the cap is said beside the link
    href = link.group(1).replace("&amp;", "&")
    assert "postcode=5000" in href and "radius_km=10" in href
    response = client.get(href)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pages_text(response.data))
    assert "Parole à Namur" in text
    assert "Groupe lointain" not in text
    assert "Résultats de recherche" in text and "5000" in text


def test_search_page_says_which_results_the_pdf_prints(client):
    from finder.web.brochure import MAX_RESULTS
    page = client.get("/?postcode=5000&radius_km=100").get_data(as_text=True)
    found = re.search(rf"les {MAX_RESULTS} premiers lieux sur (\d+)", page)
    assert found and int(found.group(1)) > MAX_RESULTS
    summary = re.search(r'<p class="summary" role="status">([^<]+)', page).group(1)
    assert re.match(rf"{found.group(1)}\b", summary), summary      # the results' count
