"""The workbench's guards, as one ASGI-level middleware: token, Host check, CSRF cookie, headers.

- With a token (required off loopback), every request carries it: `Authorization: Bearer`, the
  `jb_token` cookie, or once as `?token=` (then set as an HttpOnly cookie and dropped from the URL).
- Without one (loopback only) the Host header must be the loopback address, so a web page elsewhere
  cannot reach the server through DNS rebinding.
- Writes are POST forms that carry the `jb_csrf` cookie's value (double submit, SameSite=Strict).
- Content-Security-Policy allows only the workbench's own scripts and images: document text that
  slipped through escaping still could not run.
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qsl, urlencode

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

CSRF_COOKIE = "jb_csrf"
TOKEN_COOKIE = "jb_token"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


class Guard(BaseHTTPMiddleware):
    def __init__(self, app, *, token: str | None):
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next) -> Response:
        if self.token:
            given = request.cookies.get(TOKEN_COOKIE)
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                given = auth[7:].strip()
            query = request.query_params.get("token")
            if query is not None and _same(query, self.token) and request.method == "GET":
                rest = urlencode([(k, v) for k, v in parse_qsl(request.url.query) if k != "token"])
                resp = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
                resp.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
                return resp
            if not _same(given, self.token):
                return PlainTextResponse("需要访问令牌 / token required", status_code=401)
        else:
            host = (request.headers.get("host") or "").rsplit(":", 1)[0]
            if not is_loopback(host):
                return PlainTextResponse("仅限本机访问 / loopback only", status_code=403)
        cookie = request.cookies.get(CSRF_COOKIE)
        request.state.csrf = cookie or secrets.token_urlsafe(24)
        if request.method not in ("GET", "HEAD"):
            await request.body()  # cached, so the endpoint can read the form again
            form = await request.form()
            if not _same(cookie, form.get("csrf")):
                return PlainTextResponse("表单已过期，请刷新页面后重试 / CSRF check failed", status_code=403)
        response = await call_next(request)
        if not cookie:
            response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict")
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = response.headers.get("Cache-Control", "no-store")
        return response
