"""The API's documentation served by the app itself, with no CDN: Swagger UI at /api/docs and
ReDoc at /api/redoc, their scripts and styles from the `fastapi-offline` package (which ships
them), so the pages work on an office network without internet.

Also the errors every API route may answer, for the OpenAPI schema (`ERROR_RESPONSES`)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.responses import HTMLResponse

from web.headers import BASE_POLICY, CSP_HEADER, SCRIPT_BLOCK, policy_text, sha256_source

ASSETS_URL = "/api/docs-assets"
ASSETS = Path(fastapi_offline.__file__).parent / "static"


class ErrorOut(BaseModel):
    """Lỗi: one message in Vietnamese, for a person to read."""

    detail: str


class FieldErrorOut(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(BaseModel):
    """Dữ liệu không hợp lệ: what is wrong, field by field."""

    detail: list[FieldErrorOut]


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "No valid API token (`Authorization: Bearer …`)"},
    403: {"model": ErrorOut, "description": "The token's user may not read or do this"},
    404: {"model": ErrorOut, "description": "No such task, extension or directive"},
    409: {"model": ErrorOut, "description": "Changed by someone else meanwhile (stale version)"},
    422: {"model": ValidationErrorOut, "description": "Invalid input; nothing was changed"},
}


def install(app: FastAPI, openapi_url: str = "/api/openapi.json") -> None:
    """Mount the shipped assets and the two documentation pages (not in the schema)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="api-docs-assets")
    title = app.title

    @app.get("/api/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return _local(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{title} — API",
                swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
                swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
                oauth2_redirect_url=None,
            )
        )

    @app.get("/api/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return _local(
            get_redoc_html(
                openapi_url=openapi_url,
                title=f"{title} — API",
                redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
                redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
                with_google_fonts=False,
            ),
            inline_styles=True,
        )


def _local(page: HTMLResponse, inline_styles: bool = False) -> HTMLResponse:
    """The strict policy of every page, plus the hash of the page's own inline script and the
    blob: workers ReDoc starts. Nothing leaves the app (ReDoc's bundle would fetch a logo from
    its maker's CDN otherwise)."""
    policy = {k: list(v) for k, v in BASE_POLICY.items()}
    policy["script-src"] += sorted(
        {sha256_source(s) for s in SCRIPT_BLOCK.findall(bytes(page.body).decode())}
    )
    policy["worker-src"] = ["'self'", "blob:"]
    if inline_styles:  # ReDoc's styled-components inject <style> text; scripts stay strict
        policy["style-src"].append("'unsafe-inline'")
    page.headers[CSP_HEADER] = policy_text(policy)
    return page
