"""A real OpenID Connect provider (npm `oidc-provider`, run by node) on a loopback port.

`scripts/install-node-deps.sh` installs it from package-lock.json in this folder.
"""

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.ports import free_port
from tests.support.processes import running_process

PROVIDER_DIR = Path(__file__).resolve().parent
SCRIPT = PROVIDER_DIR / "provider.mjs"


@dataclass(frozen=True)
class Account:
    """A person at the provider; `login` is what they type and also their `sub`."""

    login: str
    email: str
    email_verified: bool = True
    name: str = "Provider Person"


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    client_id: str
    client_secret: str

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def app_env(self) -> dict[str, str]:
        """The `TANDEM_OIDC_*` settings that point the app at this provider."""
        return {
            "TANDEM_OIDC_DISCOVERY_URL": self.discovery_url,
            "TANDEM_OIDC_CLIENT_ID": self.client_id,
            "TANDEM_OIDC_CLIENT_SECRET": self.client_secret,
        }


@contextmanager
def oidc_provider(
    *,
    redirect_uri: str,
    accounts: list[Account],
    log_dir: Path,
    conform_id_token_claims: bool = False,
    client_id: str = "tandem-test",
    client_secret: str = "tandem-test-client-secret",
) -> Iterator[RunningProvider]:
    node = shutil.which("node")
    if node is None or not (PROVIDER_DIR / "node_modules").is_dir():
        raise RuntimeError("Node 20 and `sh scripts/install-node-deps.sh` are needed (make test).")
    port = free_port()
    config: dict[str, Any] = {
        "port": port,
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uri": redirect_uri,
        "accounts": {
            account.login: {
                "email": account.email,
                "email_verified": account.email_verified,
                "name": account.name,
            }
            for account in accounts
        },
        "conform_id_token_claims": conform_id_token_claims,
    }
    provider = RunningProvider(
        issuer=f"http://127.0.0.1:{port}", client_id=client_id, client_secret=client_secret
    )
    with running_process(
        [node, str(SCRIPT)],
        ready_url=provider.discovery_url,
        log_path=log_dir / f"oidc-provider-{port}.log",
        env={**os.environ, "OIDC_PROVIDER_CONFIG": json.dumps(config)},
        cwd=PROVIDER_DIR,
    ):
        yield provider
