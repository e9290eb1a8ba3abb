"""The deployment files (compose.yaml, deploy/) against the app they deploy: there is no
Docker engine here, so this reads them and checks what can go wrong without one."""

import fnmatch
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

import app.main
from app.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
DEPLOY = REPO_ROOT / "deploy"
TANDEM_IMAGE_SERVICES = ("migrate", "app", "worker")
# What the PWA sends in one tus PATCH by default (TANDEM_UPLOAD_CHUNK_PARTS x 8 MiB parts).
TUS_PATCH_BYTES = 32 * 1024**2
# Variables that are not Tandem's settings: read by uvicorn, by deploy/minio-setup.sh, or
# by the third-party images themselves.
OTHER_VARIABLES = re.compile(
    r"^(FORWARDED_ALLOW_IPS|NONCURRENT_VERSION_DAYS|POSTGRES_(USER|PASSWORD|DB)|MINIO_ROOT_\w+)$"
)
DEPLOYMENT_FILES = (
    "compose.yaml",
    "deploy/tandem.env.example",
    "deploy/Caddyfile",
    "deploy/nginx.conf",
    "deploy/minio-setup.sh",
)


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())
    return loaded


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def env_example() -> dict[str, str]:
    lines = (DEPLOY / "tandem.env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


def setting_names() -> set[str]:
    return {f"TANDEM_{name.upper()}" for name in Settings.model_fields}


def top_level_blocks(text: str) -> list[tuple[str, str]]:
    """(address or directive, body) of each outermost `... { ... }` of a Caddyfile or an
    nginx configuration, comments left out."""
    blocks: list[tuple[str, str]] = []
    depth, header = 0, ""
    body: list[str] = []
    for line in (raw.split("#", 1)[0].strip() for raw in text.splitlines()):
        if depth == 0 and line.endswith("{"):
            header, body = line[:-1].strip(), []
        elif depth == 1 and line == "}":
            blocks.append((header, "\n".join(body)))
        else:
            body.append(line)
        depth += line.count("{") - line.count("}")
    return blocks


def byte_size(text: str) -> int:
    """A size as Caddy (8GiB, 100MB) or nginx (8g, 512m) writes it."""
    match = re.fullmatch(r"(\d+)\s*([kmgt]?)(i?)(b?)", text.strip().lower())
    assert match, f"not a size: {text}"
    number, prefix, binary, suffix = match.groups()
    base = 1024 if binary or not suffix else 1000  # nginx's k/m/g are binary
    return int(number) * int(base ** " kmgt".index(prefix or " "))


def app_port() -> str:
    command = services()["app"]["command"]
    return str(command[command.index("--port") + 1])


def test_every_service_says_what_it_runs() -> None:
    for name, service in services().items():
        assert "image" in service or "build" in service, name
        assert service.get("command"), name


def test_migrate_app_and_worker_run_the_image_the_dockerfile_builds() -> None:
    tandem = [services()[name] for name in TANDEM_IMAGE_SERVICES]
    build = tandem[0]["build"]
    assert (REPO_ROOT / build["context"] / build["dockerfile"]) == REPO_ROOT / "Dockerfile"
    assert all(service["build"] == build for service in tandem)
    assert len({service["image"] for service in tandem}) == 1
    assert all(service["env_file"] == "deploy/tandem.env" for service in tandem)


def test_the_build_context_keeps_what_the_dockerfile_copies() -> None:
    ignored = [
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    copies = re.findall(r"^COPY (?!--from)(.+) \S+$", (REPO_ROOT / "Dockerfile").read_text(), re.M)
    sources = [source for line in copies for source in line.split()]
    assert "app" in sources and "deploy/tandem.env" in ignored
    for source in sources:
        assert (REPO_ROOT / source).exists(), source
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source


def test_every_tandem_variable_named_is_a_setting() -> None:
    known = setting_names()
    for path in DEPLOYMENT_FILES:
        named = set(re.findall(r"\bTANDEM_[A-Z0-9_]+", (REPO_ROOT / path).read_text()))
        assert named, path
        assert named <= known, f"{path}: {sorted(named - known)}"
    variables = set(env_example()) | {
        name for service in services().values() for name in service.get("environment", {})
    }
    for name in variables - known:
        assert OTHER_VARIABLES.match(name), name


def test_the_env_example_sets_what_production_requires() -> None:
    env = env_example()
    assert env["TANDEM_ENV"] == "production"
    assert "TANDEM_SECRET_KEY" in env
    assert env["TANDEM_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert env["TANDEM_STORAGE_BACKEND"] == "s3"
    assert urlsplit(env["TANDEM_PUBLIC_URL"]).scheme == "https"


def test_the_database_url_names_the_postgres_service_and_its_account() -> None:
    env = env_example()
    url = urlsplit(env["TANDEM_DATABASE_URL"])
    assert url.hostname == "postgres" and "postgres" in services()
    assert (url.username, url.password) == (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"])
    assert url.path == f"/{env['POSTGRES_DB']}"


def test_browsers_can_reach_the_media_endpoint() -> None:
    # Presigned URLs start with the endpoint: an internal name (http://minio:9000) would
    # serve the app and no browser.
    endpoint = urlsplit(env_example()["TANDEM_S3_ENDPOINT_URL"])
    assert endpoint.scheme == "https"
    assert endpoint.hostname not in services()


def deployed_settings(monkeypatch: pytest.MonkeyPatch, **changes: str) -> Settings:
    """Settings as the app service gets them: the env example, then its own environment."""
    for name in [name for name in os.environ if name.startswith("TANDEM_")]:
        monkeypatch.delenv(name)
    variables = env_example() | services()["app"].get("environment", {}) | changes
    for name, value in variables.items():
        monkeypatch.setenv(name, str(value))
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_deployed_settings_validate(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = deployed_settings(monkeypatch, TANDEM_SECRET_KEY="Xq3-" * 12)
    assert settings.env == "production"
    assert settings.storage_backend == "s3"
    assert settings.work_after_response is False
    assert settings.media_origins == [env_example()["TANDEM_S3_ENDPOINT_URL"]]


def test_the_example_secret_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="TANDEM_SECRET_KEY"):
        deployed_settings(monkeypatch)


def test_the_app_serves_requests_and_the_worker_runs_the_queue() -> None:
    app_service, worker = services()["app"], services()["worker"]
    command = app_service["command"]
    assert command[:3] == ["uvicorn", "app.main:create_app", "--factory"]
    assert callable(app.main.create_app)
    assert int(command[command.index("--workers") + 1]) > 1
    assert str(app_service["environment"]["TANDEM_WORK_AFTER_RESPONSE"]).lower() == "false"
    assert "/readyz" in " ".join(app_service["healthcheck"]["test"])
    assert worker["command"] == ["python", "-m", "app", "worker"]
    assert worker["stop_signal"] == "SIGTERM" and worker["stop_grace_period"]


def test_migrations_run_once_before_the_app_and_the_worker() -> None:
    assert services()["migrate"]["command"] == ["alembic", "upgrade", "head"]
    assert services()["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("app", "worker"):
        migrate = services()[name]["depends_on"]["migrate"]
        assert migrate["condition"] == "service_completed_successfully", name


def test_the_app_believes_forwarded_headers_from_the_proxy_only() -> None:
    command = services()["app"]["command"]
    trusted = command[command.index("--forwarded-allow-ips") + 1]
    assert trusted == services()["proxy"]["networks"]["default"]["ipv4_address"]


def test_the_media_bucket_is_versioned_with_expiring_old_versions() -> None:
    setup = services()["minio-setup"]
    script = (DEPLOY / "minio-setup.sh").read_text()
    assert any(volume.startswith("./deploy/minio-setup.sh:") for volume in setup["volumes"])
    assert "mc version enable" in script
    assert "NoncurrentVersionExpiration" in script
    assert int(setup["environment"]["NONCURRENT_VERSION_DAYS"]) <= 30


def largest_upload() -> int:
    """The largest body the app takes by default: a tus PATCH may carry a whole upload."""
    limits = [
        Settings.model_fields[name].default
        for name in ("max_upload_bytes", "plain_upload_max_bytes")
    ]
    return max(TUS_PATCH_BYTES, *limits)


def test_caddy_proxies_to_the_app_and_lets_uploads_through() -> None:
    sites = dict(top_level_blocks((DEPLOY / "Caddyfile").read_text()))
    app_site = sites["{$TANDEM_PUBLIC_URL}"]
    assert f"reverse_proxy app:{app_port()}" in app_site
    limit = re.search(r"max_size\s+(\S+)", app_site)
    assert limit and byte_size(limit[1]) >= largest_upload()
    assert "reverse_proxy minio:9000" in sites["{$TANDEM_S3_ENDPOINT_URL}"]


def test_the_nginx_example_proxies_to_the_app_and_streams_uploads() -> None:
    blocks = top_level_blocks((DEPLOY / "nginx.conf").read_text())
    upstreams = {header.split()[1]: body for header, body in blocks if header != "server"}
    assert f"server app:{app_port()};" in upstreams["tandem_app"]
    app_server = next(
        body
        for header, body in blocks
        if "server_name tandem.example.org;" in body and "ssl" in body
    )
    assert "proxy_pass http://tandem_app;" in app_server
    limit = re.search(r"client_max_body_size\s+(\S+);", app_server)
    assert limit and byte_size(limit[1]) >= largest_upload()
    assert "proxy_request_buffering off;" in app_server
    assert "X-Forwarded-For $remote_addr;" in app_server
    assert "X-Forwarded-Proto $scheme;" in app_server
