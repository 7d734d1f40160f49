"""The production set-up of deploy/nginx.conf: nginx sends the static files, Medspil the rest.

Real nginx (Debian's nginx-light, installed by .ci/run) in front of a real Medspil server.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from benchmarks.bench_answer_page import (
    Phone,
    Server,
    prepare_database,
    put_behind_nginx,
    run_phone,
    start_server,
    stop_server,
    stored_responses,
)
from deploy.nginx import NGINX, precompress, render, static_root


def test_the_config_has_every_placeholder_filled_and_nginx_accepts_it(tmp_path: Path) -> None:
    static = precompress(tmp_path / "static")
    assert (static / "index.html").exists()
    packed = [p for p in static.rglob("*.js.gz")]
    assert packed, "the JavaScript files are gzipped beside themselves"
    text = render(
        listen="127.0.0.1:8099", upstream="127.0.0.1:8501", prefix=tmp_path, static=static
    )
    assert "__" not in re.sub(r"#.*", "", text)
    config = tmp_path / "nginx.conf"
    config.write_text(text, encoding="utf-8")
    checked = subprocess.run(
        [NGINX, "-t", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c", str(config)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


# nginx tags a file with its modification time and size in hex: "6b14dd99-94d".
NGINX_ETAG = re.compile(r'"[0-9a-f]+-[0-9a-f]+"')


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("nginx")
    db_path, codes = prepare_database(folder, 2)
    server = start_server(db_path, folder, proxy="nginx")
    yield server, codes
    stop_server(server)


def test_static_files_come_from_nginx_compressed_and_cached_for_a_year(behind_nginx) -> None:
    server, _ = behind_nginx
    page = httpx.get(f"{server.base_url}/besvar", timeout=30)
    assert page.status_code == 200
    script = re.search(r'src="\./(static/js/[^"]+\.js)"', page.text).group(1)
    for url in (f"{server.base_url}/{script}", f"{server.base_url}/besvar/{script}"):
        response = httpx.get(url, headers={"Accept-Encoding": "gzip"}, timeout=30)
        assert response.status_code == 200
        assert response.headers["server"].startswith("nginx")
        assert response.headers["content-encoding"] == "gzip"
        assert "max-age=31536000" in response.headers["cache-control"]
        assert "immutable" in response.headers["cache-control"]
        assert int(response.headers["content-length"]) < len(response.content)


def test_the_answer_page_document_comes_from_nginx_as_streamlit_would_send_it(
    behind_nginx,
) -> None:
    """A staff meeting's hundred phones ask for /besvar at once: nginx answers, not Python."""
    server, _ = behind_nginx
    index = (static_root() / "index.html").read_text(encoding="utf-8")
    for query in ("", "?kode=ABCDE-FGHIJ"):
        page = httpx.get(f"{server.base_url}/besvar{query}", headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200
        assert page.headers["server"].startswith("nginx")
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert page.headers["cache-control"] == "no-cache"  # as Streamlit sends index.html
        assert page.headers["content-encoding"] == "gzip"
        assert page.text == index
        assert NGINX_ETAG.fullmatch(page.headers["etag"])  # nginx's file tag, not Streamlit's
    icon = httpx.get(f"{server.base_url}/favicon.png")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"
    assert icon.content == (static_root() / "favicon.png").read_bytes()
    # The browser's base-path probes under the page get Streamlit's 404 from nginx; the live
    # checks themselves still reach Streamlit.
    for probe in ("health", "host-config"):
        assert httpx.get(f"{server.base_url}/besvar/_stcore/{probe}").status_code == 404
    health = httpx.get(f"{server.base_url}/_stcore/health")
    assert health.status_code == 200 and health.text == "ok"
    assert httpx.get(f"{server.base_url}/_stcore/host-config").status_code == 200
    # Every other page still comes from Streamlit (its tag is a digest of the file).
    other = httpx.get(f"{server.base_url}/overblik")
    assert other.status_code == 200 and other.text == index
    assert not NGINX_ETAG.fullmatch(other.headers["etag"])


def test_a_respondent_answers_through_nginx_and_the_answer_is_stored(behind_nginx) -> None:
    """Last in this file: it stops the server to count what was stored."""
    server, codes = behind_nginx
    phone = Phone(code=codes[0], arrive_s=0.0, think_s=0.0)
    # In its own thread: the browser tests' Playwright keeps an event loop running in this one.
    phone_run = run_phone(server.base_url, [f"{server.base_url}/besvar"], phone, 0.0)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, phone_run).result()
    assert phone.error is None
    assert phone.thanked
    assert phone.render_s is not None and phone.submit_s is not None
    before = stored_responses_of_demo()
    stop_server(server)  # the app holds the database file
    assert stored_responses(server.db_path) == before + 1


def stored_responses_of_demo() -> int:
    """Responses in the demo kommune as prepare_database builds it (same seed, same day)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        db_path, _ = prepare_database(Path(folder), 1)
        return stored_responses(db_path)


def test_a_proxy_that_does_not_start_stops_the_server_behind_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import deploy.nginx

    # A stand-in for the Streamlit server: what is checked is that it is stopped, not how it runs.
    behind = subprocess.Popen(["sleep", "120"])
    server = Server(behind, "http://127.0.0.1:1", tmp_path, tmp_path / "medspil.duckdb")
    monkeypatch.setattr(deploy.nginx, "NGINX", "/bin/false")  # exits at once: nginx "fails"
    try:
        with pytest.raises(RuntimeError, match="nginx did not start"):
            put_behind_nginx(server, port=1)
        assert behind.poll() is not None, "the server was left running"
    finally:
        behind.kill()
        behind.wait()
