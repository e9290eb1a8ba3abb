import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session

from app.config import DEFAULT_SECRET_KEY, Settings
from app.main import create_app
from tests.factories import make_user
from tests.recording.conftest import bearer_for
from tests.support.database import empty_all_tables


def test_production_refuses_the_default_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_ENV", "production")
    monkeypatch.delenv("TANDEM_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="TANDEM_SECRET_KEY"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_production_accepts_a_private_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_ENV", "production")
    monkeypatch.setenv("TANDEM_SECRET_KEY", "p" * 48)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.secret_key != DEFAULT_SECRET_KEY


def test_settings_read_the_tandem_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_MAX_UPLOAD_BYTES", "1024")
    monkeypatch.setenv("TANDEM_CORS_ORIGINS", '["https://app.example.org"]')
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.max_upload_bytes == 1024
    assert settings.cors_origins == ["https://app.example.org"]


@pytest.mark.parametrize(
    ("env", "public_url"),
    [
        ("development", "https://tandem.example.org"),
        ("test", "http://10.0.0.5:8000"),
        ("production", "http://127.0.0.1:8000"),
    ],
)
def test_the_default_secret_key_serves_local_development_only(
    monkeypatch: pytest.MonkeyPatch, env: str, public_url: str
) -> None:
    monkeypatch.setenv("TANDEM_ENV", env)
    monkeypatch.setenv("TANDEM_PUBLIC_URL", public_url)
    monkeypatch.delenv("TANDEM_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="TANDEM_SECRET_KEY"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize("public_url", ["http://127.0.0.1:8000", "http://localhost:9000"])
def test_make_run_keeps_working_with_the_default_secret_key(
    monkeypatch: pytest.MonkeyPatch, public_url: str
) -> None:
    monkeypatch.delenv("TANDEM_ENV", raising=False)
    monkeypatch.delenv("TANDEM_SECRET_KEY", raising=False)
    monkeypatch.setenv("TANDEM_PUBLIC_URL", public_url)
    assert Settings(_env_file=None).secret_key == DEFAULT_SECRET_KEY  # type: ignore[call-arg]


def test_tokens_signed_with_the_default_key_are_refused_in_production(
    settings: Settings,
) -> None:
    production = settings.model_copy(
        update={"env": "production", "public_url": "https://tandem.example.org"}
    )
    app = create_app(production)
    try:
        with Session(app.state.engine) as db:
            user = make_user(db)
            db.commit()
            genuine = bearer_for(db, user, production.secret_key)
            forged = bearer_for(db, user, DEFAULT_SECRET_KEY)
        with TestClient(app, base_url="https://tandem.example.org") as client:
            assert client.get("/api/v1/me", headers=genuine).status_code == 200
            refused = client.get("/api/v1/me", headers=forged)
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "invalid_token"
    finally:
        empty_all_tables(app.state.engine)
        app.state.engine.dispose()
