"""The API documents itself without internet: /api/docs and /api/redoc load their assets from
the app, and the schema names the errors every route may answer."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from dondoc.settings import Settings
from web.app import create_app

ERRORS = {"401", "403", "404", "409", "422"}


def _client(tmp_path) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(Settings(upload_dir=tmp_path / "up", database_url="sqlite://")))


def test_docs_pages_name_no_outside_host_and_their_assets_are_served(tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = _client(tmp_path)
    for path, assets in (("/api/docs", 3), ("/api/redoc", 2)):
        page = client.get(path)
        assert page.status_code == 200, path
        assert not re.search(r"(src|href)=['\"](https?:)?//", page.text), path
        urls = re.findall(r"(?:src|href)=['\"](/api/docs-assets/[^'\"]+)", page.text)
        assert len(urls) == assets, (path, urls)
        for url in urls:
            asset = client.get(url)
            assert asset.status_code == 200 and len(asset.content) > 1000, url
        assert "/api/openapi.json" in page.text


def test_every_api_operation_documents_its_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    schema = _client(tmp_path).get("/api/openapi.json").json()
    operations = [op for methods in schema["paths"].values() for op in methods.values()]
    assert len(operations) >= 10
    for op in operations:
        assert ERRORS <= set(op["responses"]), op["operationId"]
        detail = op["responses"]["403"]["content"]["application/json"]["schema"]
        assert detail == {"$ref": "#/components/schemas/ErrorOut"}
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["properties"]["detail"]["type"] == "string"
    invalid = schema["components"]["schemas"]["ValidationErrorOut"]
    assert invalid["properties"]["detail"]["type"] == "array"
