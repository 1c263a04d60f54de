"""Compressed responses: pages and JSON in brotli or gzip as the browser asks, static files
precompressed (the same bytes, once), nothing compressed for a client that did not ask."""
from __future__ import annotations

import gzip
import re

import brotli
import pytest

from finder.web import compression


def same_page(a: bytes, b: bytes) -> bool:
    """Equal but for the CSP nonce, new with every response."""
    nonce = re.compile(rb'nonce-?[=A-Za-z0-9+/_"\'-]{8,}')
    return nonce.sub(b"", a) == nonce.sub(b"", b)


def unpack(response) -> bytes:
    coding = response.headers.get("Content-Encoding")
    if coding == "br":
        return brotli.decompress(response.data)
    if coding == "gzip":
        return gzip.decompress(response.data)
    assert coding is None, coding
    return response.data


@pytest.mark.parametrize("accept, coding", [
    ("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("br;q=0, gzip;q=0.5", "gzip"),
    ("", None), ("identity", None)])
def test_pages_and_map_data_are_compressed_as_asked(client, accept, coding):
    for url in ("/?postcode=5000", "/carte/lieux.json?postcode=5000&z=9&tiles=260,170,263,173",
                "/api/v1/search?postcode=5000"):
        plain = client.get(url)
        packed = client.get(url, headers={"Accept-Encoding": accept})
        assert packed.status_code == 200, url
        assert packed.headers.get("Content-Encoding") == coding, url
        assert "Accept-Encoding" in packed.headers.get("Vary", ""), url
        assert same_page(unpack(packed), plain.data), url
        if coding:
            assert len(packed.data) < len(plain.data) * 0.75, url


def test_a_compressed_response_still_answers_304(client):
    url = "/carte/lieux.json?postcode=5000&z=9&tiles=260,170,263,173"
    first = client.get(url, headers={"Accept-Encoding": "br"})
    etag = first.headers["ETag"]
    assert etag.endswith(':br"')
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_static_files_go_out_precompressed_and_whole(client):
    html = client.get("/?postcode=5000").get_data(as_text=True)
    scripts = re.findall(r'src="(/[^"]+\.js\?v=[^"]+)"', html)
    assert any("leaflet.js" in s for s in scripts)
    for url in scripts + re.findall(r'href="(/[^"]+\.css\?v=[^"]+)"', html):
        plain = client.get(url)
        for coding in ("br", "gzip"):
            packed = client.get(url, headers={"Accept-Encoding": coding})
            assert packed.status_code == 200
            assert packed.headers.get("Content-Encoding") == coding, url
            assert "immutable" in packed.headers["Cache-Control"], url
            assert unpack(packed) == plain.data, url
    leaflet = next(s for s in scripts if "leaflet.js" in s)
    packed = client.get(leaflet, headers={"Accept-Encoding": "br"})
    assert len(packed.data) < 45_000 < 140_000 < len(client.get(leaflet).data)


def test_static_files_are_compressed_once(client, monkeypatch):
    html = client.get("/?postcode=5000").get_data(as_text=True)
    url = re.search(r'src="(/static/js/finder-map\.js\?v=[^"]+)"', html).group(1)
    client.get(url, headers={"Accept-Encoding": "br"})
    calls = []
    monkeypatch.setattr(compression.brotli, "compress",
                        lambda *a, **k: calls.append(1) or b"")
    again = client.get(url, headers={"Accept-Encoding": "br"})
    assert calls == [] and again.headers["Content-Encoding"] == "br"


def test_a_range_request_gets_the_plain_bytes(client):
    html = client.get("/?postcode=5000").get_data(as_text=True)
    url = re.search(r'src="(/assets/leaflet/leaflet\.js\?v=[^"]+)"', html).group(1)
    part = client.get(url, headers={"Accept-Encoding": "br", "Range": "bytes=0-99"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert len(part.data) == 100


@pytest.mark.parametrize("header, offered, chosen", [
    ("gzip, br", ("br", "gzip"), "br"), ("br;q=0", ("br", "gzip"), None),
    ("*", ("br", "gzip"), "br"), ("gzip;q=0.1", ("br", "gzip"), "gzip"),
    ("GZIP", ("br", "gzip"), "gzip"), ("br;q=abc", ("br",), None)])
def test_accepted_reads_accept_encoding(header, offered, chosen):
    assert compression.accepted(header, offered) == chosen
