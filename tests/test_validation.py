"""finder/validation.py: links and addresses that could lie to the reader are refused."""
from __future__ import annotations

import pytest

from finder.validation import (display_host, email_problem, safe_email, safe_url,
                               url_problem)


@pytest.mark.parametrize("url", [
    "https://www.cancer.be", "http://focusfibromyalgie.be/index.html",
    "https://www.ligue-alzheimer.be/groupes?page=2#namur", "https://x.be:8443/a%20b",
    "HTTPS://WWW.Parkinson.BE/", "https://café.example/", "https://日本語.jp/",
])
def test_plain_addresses_pass(url):
    assert url_problem(url) is None and safe_url(url)


@pytest.mark.parametrize("url, says", [
    ("https://www.cancer.be@evil.example/", "evil.example"),
    ("https://user:pass@evil.example/", "evil.example"),
    ("https://www.cancer.be%40evil.example/", "%"),
    ("https://www.cаncer.be/", "écritures"),               # Cyrillic "а" among Latin letters
    ("https://www.xn--cncer-4ve.be/", "écritures"),          # the same, written in punycode
    ("https://www.cancer.be\u202e/lmth.exe", "bidirectionnel"),
    ("https://\u202ewww.cancer.be/", "bidirectionnel"),
    ("https://www.cancer.be/\u200fx", "bidirectionnel"),
    ("www.cancer.be", "http://"), ("javascript:alert(1)", "http://"),
    ("ftp://x.be/", "http://"),
    ("https://x.be/\"onmouseover=alert(1)", "« \" »"),
    ("https://x.be/a b", "une espace"),
    ("https://x.be/\u0000", "U+0000"),
    ("https://x.be:99999/", "port"),
    ("https:///chemin", "nom du site"),
])
def test_links_that_lie_are_refused_with_their_cause(url, says):
    problem = url_problem(url)
    assert problem is not None and says in problem, problem
    assert safe_url(url) is None


def test_non_ascii_hosts_are_shown_and_linked_in_punycode():
    assert display_host("https://café.example/menu") == "xn--caf-dma.example"
    assert safe_url("https://café.example/menu") == "https://xn--caf-dma.example/menu"
    assert display_host("https://www.cancer.be/x") == "www.cancer.be"
    assert display_host("https://a@b.example/") == ""


@pytest.mark.parametrize("email", ["info@cancer.be", "a.b+c@x-y.be", "contact@asbl.brussels"])
def test_plain_e_mail_addresses_pass(email):
    assert email_problem(email) is None and safe_email(email) == email


@pytest.mark.parametrize("email, says", [
    ("info%0Abcc:tous@x.be", "retour à la ligne"),
    ("info%0d%0aBcc:x@y.be@x.be", "retour à la ligne"),
    ("info&#10;@x.be", "retour à la ligne"),
    ("pour%cent@x.be", "%"),
    ("a b@c.be", "espace"), ("info\n@x.be", "espace"),
    ("<script>@x.be", "« < »"), ("a@b.be?subject=x", "domaine"),
    ("pas-une-adresse", "@"), ("x@y", "domaine"), ("é!x@x.be", "« é »"),
    (".a@x.be", "mal formée"), ("a..b@x.be", "mal formée"),
])
def test_e_mail_addresses_that_could_add_headers_are_refused(email, says):
    problem = email_problem(email)
    assert problem is not None and says in problem, problem
    assert safe_email(email) is None
