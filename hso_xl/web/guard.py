"""What keeps the page safe: a signed session cookie, CSRF tokens, login, security headers and an upload limit.

The session is a cookie signed with a key made when the server starts (a restart logs everyone out,
which is fine for an office tool); the CSRF token of a form is derived from the session, so a page
from another site cannot post a form here. Headers forbid framing, sniffing and any script but our own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

COOKIE = "hso_session"
HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"object-src 'none'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
                                 b"form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class Sessions:
    def __init__(self) -> None:
        self.key = secrets.token_bytes(32)

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self.key, payload, hashlib.sha256).hexdigest()

    def load(self, cookie: str | None) -> dict:
        """The session in `cookie`, or a new one (an id only) when it is missing or its signature is wrong."""
        if cookie and "." in cookie:
            body, signature = cookie.rsplit(".", 1)
            try:
                payload = base64.urlsafe_b64decode(body.encode("ascii"))
                if hmac.compare_digest(self._sign(payload), signature):
                    data = json.loads(payload)
                    if isinstance(data, dict) and isinstance(data.get("id"), str):
                        return data
            except (ValueError, UnicodeError):
                pass
        return {"id": secrets.token_urlsafe(16), "new": True}

    def dump(self, session: dict) -> str:
        payload = json.dumps({k: v for k, v in session.items() if k != "new"}, sort_keys=True).encode("utf-8")
        return base64.urlsafe_b64encode(payload).decode("ascii") + "." + self._sign(payload)

    def csrf(self, session: dict) -> str:
        return self._sign(b"csrf:" + session["id"].encode("utf-8"))

    def csrf_ok(self, session: dict, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf(session), token)


class Headers:
    """ASGI middleware: security headers on every response; a request body over `limit` bytes refused (413)."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {name for name, _value in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in HEADERS if h[0] not in names]
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await _too_large(send_with_headers)
        seen = 0

        async def counting_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, counting_receive, send_with_headers)
        except BodyTooLarge:
            await _too_large(send_with_headers)


class BodyTooLarge(Exception):
    pass


async def _too_large(send) -> None:
    text = "Filen är för stor för att vara en finansieringsarbetsbok.".encode("utf-8")
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(text)).encode())]})
    await send({"type": "http.response.body", "body": text})
