"""Registry files people use: YAML, CSV and XLSX (openpyxl), read and written alike."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

from directives.agencies import AgencyRegistry
from directives.agency_file import COLUMNS, check_rows, registry_rows, registry_yaml, rows_to_items
from directives.agency_types import AgencyFileError, AgencyList

FORMATS = (".yaml", ".yml", ".csv", ".xlsx")
MAX_UNPACKED = 50 * 1024 * 1024  # an XLSX is a zip: refuse one that unpacks beyond this
MAX_ROWS = 20_000


def read_xlsx(data: bytes) -> AgencyList:
    """Agencies from the first worksheet (header row: the COLUMNS, at least code and name)."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise AgencyFileError(None, "not an XLSX workbook") from None
    if unpacked > MAX_UNPACKED:
        raise AgencyFileError(None, "the workbook unpacks to more than 50 MB: refused")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises zipfile/KeyError/InvalidFileException variously
        raise AgencyFileError(None, "not an XLSX workbook") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    if not {"code", "name"} <= set(header):
        raise AgencyFileError(1, "the first row must name the columns, including code and name")
    table = []
    for n, row in enumerate(rows, start=2):
        if n > MAX_ROWS:
            book.close()
            raise AgencyFileError(n, f"more than {MAX_ROWS} rows: refused")
        if any(v not in (None, "") for v in row):
            table.append(({h: _cell(v) for h, v in zip(header, row, strict=False) if h}, n))
    book.close()
    if not table:
        raise AgencyFileError(None, "no agencies found in the workbook")
    return check_rows(*rows_to_items(table))


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def registry_bytes(registry: AgencyRegistry, suffix: str) -> bytes:
    """The registry as the bytes of a .yaml, .csv or .xlsx file."""
    agencies = list(registry.agencies.values())
    successions = list(registry.successions.values())
    if suffix in (".yaml", ".yml"):
        return registry_yaml(agencies, successions).encode()
    rows = registry_rows(agencies, successions)
    if suffix == ".csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode("utf-8-sig")
    if suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.worksheets[0]  # the active sheet of a new workbook
        sheet.title = "agencies"
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append([row[c] for c in COLUMNS])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown registry format {suffix!r}: use {', '.join(FORMATS)}")


def write_registry(path: Path, registry: AgencyRegistry) -> int:
    path.write_bytes(registry_bytes(registry, path.suffix.lower()))
    return len(registry.agencies)
