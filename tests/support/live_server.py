"""The app served by a real uvicorn process, for tests that need a real server (redirect
flows through another server, browsers, other clients).

It shares the test database through `database_url`, so data the test writes with the
`db` fixture is what the server sees, and the `app` fixture's cleanup empties it.
"""

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.ports import free_port
from tests.support.processes import running_process

REPO_ROOT = Path(__file__).resolve().parents[2]
LIVE_SERVER_SECRET = "live-server-secret-key-that-is-long-enough"


@dataclass(frozen=True)
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def live_server(
    *,
    database_url: str,
    work_dir: Path,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
) -> Iterator[str]:
    """Serve the app on 127.0.0.1 and yield its base URL.

    `env` adds or overrides `TANDEM_*` settings. Pass `port` when something must know the
    URL before the server starts (an identity provider's registered redirect URI).
    """
    with live_process(database_url=database_url, work_dir=work_dir, env=env, port=port) as server:
        yield server.url


@contextmanager
def live_process(
    *,
    database_url: str,
    work_dir: Path,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
) -> Iterator[LiveServer]:
    """`live_server` with the process at hand, for tests that kill it themselves."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    # A developer's own TANDEM_* variables must not change what the tests run against.
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("TANDEM_")}
    server_env = {
        **inherited,
        "TANDEM_ENV": "test",
        "TANDEM_DATABASE_URL": database_url,
        "TANDEM_SECRET_KEY": LIVE_SERVER_SECRET,
        "TANDEM_PUBLIC_URL": base_url,
        "TANDEM_MEDIA_DIR": str(work_dir / "media"),
        **(env or {}),
    }
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
    ]
    with running_process(
        args,
        ready_url=f"{base_url}/healthz",
        log_path=work_dir / f"uvicorn-{port}.log",
        env=server_env,
        cwd=REPO_ROOT,
    ) as process:
        yield LiveServer(base_url, process)
