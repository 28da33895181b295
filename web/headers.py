"""Security headers on every answer (pages, API, static files, errors): a strict Content Security
Policy, framing denied, nosniff, Referrer-Policy, and HSTS when the base URL is https.

Pages load scripts and styles from /static only. The few inline styles dondoc draws itself (the
leader dashboard's <style> block, its SVG and tile `style` attributes) are allowed by their
SHA-256 hashes on that one response (`with_style_hashes`); the Swagger UI at /api/docs gets the
hash of its one inline script and its CDN. Nothing is allowed by 'unsafe-inline'.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
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
SWAGGER_CDN = "https://cdn.jsdelivr.net"
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_SCRIPT_BLOCK = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.S)


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


def _docs_policy(app: FastAPI) -> str:
    """The Swagger UI page as FastAPI renders it: its inline script's hash, its CDN files."""
    page = get_swagger_ui_html(
        openapi_url=app.openapi_url or "",
        title=f"{app.title} - Swagger UI",
        oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
        init_oauth=app.swagger_ui_init_oauth,
        swagger_ui_parameters=app.swagger_ui_parameters,
    ).body.decode()
    policy = {k: list(v) for k, v in BASE_POLICY.items()}
    policy["script-src"] += [SWAGGER_CDN, *(sha256_source(s) for s in _SCRIPT_BLOCK.findall(page))]
    policy["style-src"] += [SWAGGER_CDN]
    policy["img-src"] += ["https://fastapi.tiangolo.com"]
    return policy_text(policy)


class SecurityHeaders:
    """ASGI middleware, outermost: every answer gets the headers, even a 413 or a 500."""

    def __init__(self, app: ASGIApp, fastapi_app: FastAPI, https: bool) -> None:
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
        self.docs_url, self.docs_csp = fastapi_app.docs_url, _docs_policy(fastapi_app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = self.docs_csp if scope["path"] == self.docs_url else self.default_csp

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.fixed.items():
                    headers[name] = value
                if CSP_HEADER.lower() not in headers:
                    headers[CSP_HEADER] = csp
            await send(message)

        await self.app(scope, receive, send_with_headers)
