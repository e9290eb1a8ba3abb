"""Headers every response carries: a strict Content-Security-Policy and friends."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"geolocation=(), camera=(self), microphone=(self)"),
]
# Only over HTTPS (after the trusted proxy's X-Forwarded-Proto): browsers ignore it on
# plain HTTP, and a developer's http://127.0.0.1 must not be pinned to HTTPS.
STRICT_TRANSPORT_SECURITY = (b"strict-transport-security", b"max-age=31536000")


def content_security_policy(media_origins: list[str]) -> str:
    """The PWA's policy; media and posters may also come from the S3 endpoint that the
    media routes redirect to (presigned URLs), and from nowhere else."""
    media = " ".join(["'self'", *media_origins])
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {media} data: blob:; media-src {media} blob:; connect-src {media}; "
        "worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, media_origins: list[str]) -> None:
        self.app = app
        self.policy = content_security_policy(media_origins).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(HEADERS)
                if scope.get("scheme") == "https":
                    headers.append(STRICT_TRANSPORT_SECURITY)
                # A page with a policy of its own keeps it (/docs, app/api_docs).
                if not any(name.lower() == b"content-security-policy" for name, _ in headers):
                    headers.append((b"content-security-policy", self.policy))
                has_cache_control = any(name.lower() == b"cache-control" for name, _ in headers)
                if scope["path"].startswith("/api/") and not has_cache_control:
                    # API answers carry personal data: never kept by browsers or proxies.
                    headers.append((b"cache-control", b"private, no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
