"""nginx in front of the app, as deploy/nginx.conf puts it: it proxies every request to
the app and serves media from the app's folder when the app answers X-Accel-Redirect."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.ports import free_port
from tests.support.processes import running_process

MEDIA_LOCATION = "/protected-media/"

CONFIG = """
daemon off;
master_process on;
worker_processes 1;
{user}
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    sendfile on;
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 64m;
        location = /nginx-ready {{ return 200 "ready"; }}
        location / {{
            proxy_pass {upstream};
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_request_buffering off;
        }}
        # Only the app's X-Accel-Redirect reaches this: a browser asking for it gets 404.
        location {location} {{
            internal;
            alias {media}/;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


@contextmanager
def nginx_in_front(*, upstream: str, media_dir: Path, work_dir: Path) -> Iterator[str]:
    """nginx on a free loopback port in front of `upstream`; yields its base URL."""
    work_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = work_dir / "nginx.conf"
    config.write_text(
        CONFIG.format(
            # As root, nginx's workers would otherwise drop to `nobody`, who may not read
            # the test's private temporary folders.
            user="user root;" if os.geteuid() == 0 else "",
            work=work_dir,
            port=port,
            upstream=upstream,
            location=MEDIA_LOCATION,
            media=media_dir.resolve(),
        )
    )
    url = f"http://127.0.0.1:{port}"
    args = [
        nginx_binary(),
        "-c",
        str(config),
        "-p",
        str(work_dir),
        "-e",
        str(work_dir / "error.log"),
    ]
    with running_process(args, ready_url=f"{url}/nginx-ready", log_path=work_dir / "nginx.log"):
        yield url
