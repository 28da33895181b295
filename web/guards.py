"""Path ids checked before any route reads them: an id no database can hold is a 404."""

from __future__ import annotations

from fastapi import HTTPException, Request

INT64_MAX = 2**63 - 1


async def ids_in_range(request: Request) -> None:
    """Every `{…_id}` path parameter fits a 64-bit integer column, or the answer is 404."""
    for name, value in request.path_params.items():
        if name.endswith("_id") and isinstance(value, str):
            digits = value.lstrip("+-")
            if digits.isdigit() and (len(digits) > 19 or int(digits) > INT64_MAX):
                raise HTTPException(404, "Không tìm thấy.")
