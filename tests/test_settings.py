import pytest
from pydantic import ValidationError

from app.config import DEFAULT_SECRET_KEY, Settings


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
