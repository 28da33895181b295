"""Security headers on every answer (pages, API, static files, errors): a strict Content Security
Policy, framing denied, nosniff, Referrer-Policy, and HSTS when the base URL is https.

Pages load scripts and styles from /static only. The few inline styles dondoc draws itself (the
leader dashboard's <style> block, its SVG and tile `style` attributes) are allowed by their
SHA-256 hashes on that one response (`with_style_hashes`); the API documentation pages
(web.apidocs) get the hashes of their own inline scripts. Nothing is allowed by 'unsafe-inline'.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP_HEADER = "Content-Security-Policy"
BASE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
SCRIPT_BLOCK = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.S)


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy_text(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


def _unescape(value: str) -> str:
    """A style attribute as the browser hashes it (after entity decoding)."""
    import html

    return html.unescape(value)


def with_style_hashes(response: Response, *fragments: str) -> Response:
    """Allow exactly the inline styles in `fragments` (our own markup) on this response."""
    blocks = {sha256_source(m) for f in fragments for m in _STYLE_BLOCK.findall(f)}
    attrs = {sha256_source(_unescape(m)) for f in fragments for m in _STYLE_ATTR.findall(f)}
    policy = {k: list(v) for k, v in BASE_POLICY.items()}
    policy["style-src"] += sorted(blocks)
    if attrs:
        policy["style-src-attr"] = ["'unsafe-hashes'", *sorted(attrs)]
    response.headers[CSP_HEADER] = policy_text(policy)
    return response


class SecurityHeaders:
    """ASGI middleware, outermost: every answer gets the headers, even a 413 or a 500."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.fixed = {
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }
        if https:
            self.fixed["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        self.default_csp = policy_text(BASE_POLICY)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = self.default_csp

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.fixed.items():
                    headers[name] = value
                if CSP_HEADER.lower() not in headers:
                    headers[CSP_HEADER] = csp
            await send(message)

        await self.app(scope, receive, send_with_headers)
