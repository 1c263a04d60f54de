"""The crisis lines say which language they answer in when it is not the page's: an English
or Dutch reader sees that the Centre de Prévention du Suicide answers in French, a Dutch
reader that 1813 answers in Dutch needs no such word."""
from __future__ import annotations

import re

import pytest


def crisis_box(html: str) -> list[str]:
    """Each line of the crisis box as text."""
    start = html.index('<aside class="crisis"')
    box = html[start:html.index("</aside>", start)]
    return [" ".join(re.sub(r"<[^>]+>", " ", li).split())
            for li in re.findall(r"<li>(.*?)</li>", box, re.S)]


def line(lines: list[str], name: str) -> str:
    return next(text for text in lines if text.startswith(name))


@pytest.mark.parametrize("lang, words", [("en", "language: French"), ("nl", "taal: Frans"),
                                         ("de", "Sprache: Französisch")])
def test_a_french_speaking_line_says_so_on_a_page_in_another_language(client, lang, words):
    lines = crisis_box(client.get(f"/?lang={lang}").get_data(as_text=True))
    for name in ("Centre de Prévention du Suicide", "Télé-Accueil", "Alcooliques Anonymes"):
        assert words in line(lines, name).replace("\u00a0", " "), line(lines, name)


def test_a_line_in_the_page_s_own_language_says_nothing_of_it(client):
    nl = crisis_box(client.get("/?lang=nl").get_data(as_text=True))
    assert "taal" not in line(nl, "Zelfmoordlijn").lower()
    de = crisis_box(client.get("/?lang=de").get_data(as_text=True))
    assert "Sprache" not in line(de, "Telefonhilfe")
    fr = crisis_box(client.get("/").get_data(as_text=True))
    assert not any("langue" in text for text in fr), fr
