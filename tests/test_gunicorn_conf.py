"""gunicorn.conf.py against a real gunicorn on 127.0.0.1, spoken to with a raw socket:
its error log never writes a visitor's address or request line, a Host header that cannot
be encoded is a 400 without a traceback."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from finder.config import PROJECT_ROOT

GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET = "4000-SECRET-POSTCODE"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def gunicorn(demo_app, tmp_path, geo_dir):
    """(port, path of gunicorn's stderr) for a gunicorn serving the demo inventory."""
    assert GUNICORN.exists(), "gunicorn is part of the [prod] extra: pip install -e '.[test,prod]'"
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = dict(os.environ, FINDER_DATABASE=demo_app.config["DATABASE"],
               FINDER_GEO_DIR=str(geo_dir), FINDER_BIND=f"127.0.0.1:{port}",
               FINDER_WORKERS="1", FINDER_THREADS="1", FINDER_LOG_LEVEL="debug",
               FINDER_SECRET_KEY="gunicorn-test-secret-key-not-used-for-anything-else")
    env.pop("FINDER_PUBLIC_BASE_URL", None)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(GUNICORN), "--config", "gunicorn.conf.py",
                                 "finder:create_app()"], cwd=PROJECT_ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log_path.read_text()
            try:
                if raw(port, b"GET /healthz HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 200"):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start: " + log_path.read_text()
            time.sleep(0.2)
        yield port, log_path, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)


def test_malformed_requests_leave_no_address_or_request_line_in_the_log(gunicorn):
    port, log_path, proc = gunicorn
    start = len(log_path.read_text())            # after start-up (it names the bind address)
    answers = [
        raw(port, f"GARBAGE\x01 /?postcode={SECRET} HTTP/1.1\r\n\r\n".encode()),
        raw(port, f"GET /?postcode={SECRET} HTTP/1.1\r\nHost: x\r\nBad header\r\n\r\n".encode()),
        raw(port, f"GET /?postcode={SECRET}{'x' * 5000} HTTP/1.1\r\n\r\n".encode()),
        raw(port, f"GET /?postcode={SECRET} HTTP/9.9\r\n\r\n".encode()),
    ]
    assert all(a.startswith((b"HTTP/1.1 400", b"HTTP/1.1 414")) for a in answers), answers
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    log = log_path.read_text()[start:]
    assert log.count("Invalid request refused") == len(answers), log
    assert SECRET not in log and "ip=" not in log and "127.0.0.1" not in log, log
    assert "GARBAGE" not in log and "Bad header" not in log, log


def test_a_host_header_that_cannot_be_encoded_is_a_400_without_a_traceback(gunicorn):
    port, log_path, proc = gunicorn
    page = raw(port, b"GET /?postcode=5000 HTTP/1.1\r\nHost: a..b\r\nConnection: close\r\n\r\n")
    api = raw(port, b"GET /api/v1/chapters HTTP/1.1\r\nHost: a..b\r\nConnection: close\r\n\r\n")
    assert page.startswith(b"HTTP/1.1 400") and "Recherche impossible".encode() in page
    assert api.startswith(b"HTTP/1.1 400") and b'"error":{"code":"bad_request"' in api
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    log = log_path.read_text()
    assert "Traceback" not in log and '"status":400' in log, log


def test_an_unset_public_base_url_is_pointed_out_at_start(gunicorn):
    port, log_path, proc = gunicorn
    assert "FINDER_PUBLIC_BASE_URL is not set" in log_path.read_text()
