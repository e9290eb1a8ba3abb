"""A method that a path of the API does not take is answered by the API, not by the PWA's
static files mounted at "/" (which knew nothing of the API's methods): OPTIONS gets 204
and `Allow` (RFC 9110, 9.3.7), any other method 405 in the JSON error shape with `Allow`
(15.5.6). A path under /api/ that no route knows is a JSON 404 whatever the method; other
unknown paths are the PWA's.

CORS preflights never get this far when origins are configured (app/cors.py).
"""

from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Receive, Scope, Send

from app.errors import MethodNotAllowed, NotFound

API_PREFIX = "/api/"

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
# No route takes this method, so a route that matches it partially knows the path.
PROBE = "X-ANY-METHOD"


class AllowedMethods(BaseRoute):
    """The last route before the PWA's mount: it matches a request whose path some route
    knows and whose method none takes (they matched it partially, never fully), and any
    other request under /api/."""

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = routes  # the app's own list, so routes added later count too

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        if scope["path"].startswith(API_PREFIX) or self._takes(scope, PROBE) is not None:
            return Match.FULL, {}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._takes(scope, PROBE) is None:
            raise NotFound("Not found: no such path in the API.")
        allowed = [method for method in METHODS if self._takes(scope, method)]
        allow = ", ".join([*allowed, "OPTIONS"])
        if scope["method"] == "OPTIONS":
            await Response(status_code=204, headers={"Allow": allow})(scope, receive, send)
            return
        raise MethodNotAllowed(
            f"{scope['method']} is not a method of this resource; it takes {allow}.",
            headers={"Allow": allow},
        )

    def _takes(self, scope: Scope, method: str) -> bool | None:
        """True when a route takes `method` at this path, False when one knows the path
        but not the method, None when no route knows the path."""
        probe = {**scope, "method": method}
        known = None
        for route in self.routes:
            if route is self or isinstance(route, Mount):
                continue
            match, _ = route.matches(probe)
            if match == Match.FULL:
                return True
            known = False if match == Match.PARTIAL else known
        return known


def add_allowed_methods(routes: list[BaseRoute]) -> None:
    """Call once every route is added, before the PWA's mount."""
    routes.append(AllowedMethods(routes))
