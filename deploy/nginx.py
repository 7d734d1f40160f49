"""Fill in ``deploy/nginx.conf`` for this installation, and start nginx with it (tests, benchmarks).

``python deploy/nginx.py --precompress /var/lib/medspil-nginx/static`` copies Streamlit's static
front-end files of this virtual environment there and gzips every text file beside itself (once,
at the highest level; nginx then sends the ``.gz`` without compressing per request), and
``python deploy/nginx.py --listen 80 --upstream 127.0.0.1:8501 --prefix /var/lib/medspil-nginx
--static /var/lib/medspil-nginx/static`` prints the configuration for it.
"""

from __future__ import annotations

import argparse
import atexit
import gzip
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def static_root() -> Path:
    """Streamlit's folder of front-end files (``index.html`` and ``static/``)."""
    import streamlit

    return Path(streamlit.__file__).parent / "static"


COMPRESSED = (".js", ".css", ".html", ".json", ".svg", ".map", ".txt", ".ttf", ".wasm", ".mjs")


def precompress(target: Path, source: Path | None = None) -> Path:
    """Copy Streamlit's static folder to ``target`` and gzip every text file beside itself."""
    shutil.copytree(source or static_root(), target, dirs_exist_ok=True)
    for path in target.rglob("*"):
        if path.suffix in COMPRESSED and path.is_file():
            packed = path.with_name(path.name + ".gz")
            if not packed.exists() or packed.stat().st_mtime < path.stat().st_mtime:
                packed.write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
    return target


def render(*, listen: str, upstream: str, prefix: Path, static: Path | None = None) -> str:
    text = TEMPLATE.read_text(encoding="utf-8")
    for placeholder, value in {
        "__LISTEN__": listen,
        "__UPSTREAM__": upstream,
        "__STATIC_ROOT__": str(static or static_root()),
        "__PREFIX__": str(prefix),
    }.items():
        text = text.replace(placeholder, value)
    return text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_nginx(folder: Path, *, upstream_port: int) -> tuple[subprocess.Popen, str]:
    """nginx in the foreground on a free loopback port in front of ``upstream_port``."""
    prefix = folder / "nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    # nginx's workers run as an unprivileged user: the static copy must be readable to them,
    # so it lives in a folder of its own (the caller's folder may hold the database).
    public = Path(tempfile.mkdtemp(prefix="medspil-static-"))
    public.chmod(0o755)
    atexit.register(shutil.rmtree, public, True)
    static = precompress(public / "static")
    port = _free_port()
    config = prefix / "nginx.conf"
    config.write_text(
        render(
            listen=f"127.0.0.1:{port}",
            upstream=f"127.0.0.1:{upstream_port}",
            prefix=prefix,
            static=static,
        ),
        encoding="utf-8",
    )
    # -e: the error log before the configuration is read (the default may not be writable).
    command = [NGINX, "-e", str(prefix / "error.log"), "-p", str(prefix), "-c", str(config)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}"
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            error_log = prefix / "error.log"  # absent when nginx failed before opening it
            log = error_log.read_text(errors="replace") if error_log.exists() else ""
            raise RuntimeError(f"nginx did not start ({NGINX}): {log[-1000:]}")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="80")
    parser.add_argument("--upstream", default="127.0.0.1:8501")
    parser.add_argument("--prefix", default="/var/lib/medspil-nginx")
    parser.add_argument("--static", default=None, help="the folder --precompress made")
    parser.add_argument("--precompress", metavar="DIR", default=None)
    args = parser.parse_args()
    if args.precompress:
        print(precompress(Path(args.precompress)))
        return
    static = Path(args.static) if args.static else None
    text = render(
        listen=args.listen, upstream=args.upstream, prefix=Path(args.prefix), static=static
    )
    print(text, end="")


if __name__ == "__main__":
    os.umask(0o022)
    main()
