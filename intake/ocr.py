"""OCR of scanned pages and images: pdftoppm renders, Tesseract (vie) reads, layout joins.

Tesseract is run as its own process on one page at a time (image on stdin, TSV on stdout, one
thread: the machine's cores serve several requests), bounded by a timeout; pixel counts are
checked before anything is decoded (Pillow's bomb guard for images, the page size for PDFs).
pytesseract would only wrap the same command and write temporary files, so it is not used.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from directives.formats import Extracted, ReadLimits, from_pages
from directives.formats.layout import Page
from directives.formats.ocr import tsv_page
from directives.formats.pdf import PdfReading
from directives.parsing import NoticeError

INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils"
_MIN_DPI = 150


class OcrUnavailable(NoticeError):
    """Tesseract, its Vietnamese model or poppler is missing on this machine."""


@dataclass(slots=True)
class OcrTimings:
    """Where the time of one OCR reading went (for bench/parse.py)."""

    pages: int = 0
    render_seconds: float = 0.0  # pdftoppm or Pillow, turning pages into images
    tesseract_seconds: float = 0.0  # Tesseract's own processes
    total_seconds: float = 0.0


@lru_cache(maxsize=1)
def _tools() -> str | None:
    """None when Tesseract with Vietnamese and pdftoppm are here, else what is missing."""
    if not shutil.which("tesseract"):
        return "Tesseract is not installed"
    try:
        langs = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30
        ).stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"Tesseract does not run ({exc})"
    if "vie" not in langs:
        return "Tesseract's Vietnamese model (vie) is not installed"
    if not shutil.which("pdftoppm"):
        return "poppler's pdftoppm is not installed"
    return None


def check_tools() -> None:
    """OcrUnavailable with the fix when the OCR tools are missing."""
    missing = _tools()
    if missing:
        raise OcrUnavailable(f"cannot read scans: {missing} ({INSTALL})")


def ocr_document(
    data: bytes,
    filename: str,
    limits: ReadLimits,
    reading: PdfReading | None,
    timings: OcrTimings | None = None,
) -> Extracted:
    """Text of a scanned PDF (its pages without text) or an image file, read by OCR."""
    check_tools()
    timings = timings if timings is not None else OcrTimings()
    started = time.perf_counter()
    pages: list[Page] = list(reading.pages) if reading else []
    numbers = reading.scanned if reading else []
    if len(numbers) > limits.max_pages:
        raise NoticeError(f"{filename}: refused: {len(numbers)} pages (limit {limits.max_pages})")
    images = _pdf_images(data, filename, reading, limits, timings) if reading else None
    if images is None:
        images = _image_frames(data, filename, limits, timings)
        numbers = list(range(len(images)))
        pages = [Page(0, 0, []) for _ in images]
    for number, (image, dpi, size) in zip(numbers, images, strict=True):
        pages[number] = tsv_page(
            _tesseract(image, dpi, filename, number, limits, timings), dpi, *size
        )
    timings.pages += len(numbers)
    extracted = from_pages(pages, filename, ocr=True, low_confidence=limits.ocr_low_confidence)
    timings.total_seconds += time.perf_counter() - started
    if reading and len(numbers) < len(pages):
        listed = ", ".join(str(n + 1) for n in numbers)
        note = (f"no text layer on pages {listed}: read by OCR",)
        source = extracted.source
        extracted = Extracted(
            extracted.text,
            type(source)(source.origin, source.low_confidence, source.confidence, note),
            extracted.pages,
        )
    return extracted


def _tesseract(
    image: bytes, dpi: int, name: str, number: int, limits: ReadLimits, timings: OcrTimings
) -> str:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", "vie", "--psm", "11", "--dpi", str(dpi), "tsv"],
            input=image,
            capture_output=True,
            timeout=limits.ocr_page_seconds,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except subprocess.TimeoutExpired:
        raise NoticeError(
            f"{name}: refused: OCR of page {number + 1} took over {limits.ocr_page_seconds:.0f} s"
        ) from None
    finally:
        timings.tesseract_seconds += time.perf_counter() - started
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise NoticeError(f"{name}: OCR failed on page {number + 1} ({detail[0]})")
    return done.stdout.decode("utf-8", errors="replace")


def _pdf_images(
    data: bytes, name: str, reading: PdfReading, limits: ReadLimits, timings: OcrTimings
) -> list[tuple[bytes, int, tuple[int, int]]]:
    """The scanned pages rendered in grey by pdftoppm, at a resolution within the pixel limit."""
    started = time.perf_counter()
    out = []
    with tempfile.TemporaryDirectory(prefix="dondoc-ocr-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        for number in reading.scanned:
            width, height = reading.sizes[number]
            dpi = _dpi(width * height / 72 / 72, limits, name, number)
            target = Path(tmp) / f"p{number}"
            try:
                subprocess.run(
                    ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(number + 1),
                     "-l", str(number + 1), "-singlefile", str(source), str(target)],
                    capture_output=True, check=True, timeout=limits.ocr_page_seconds,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                raise NoticeError(
                    f"{name}: refused: page {number + 1} takes too long to render"
                ) from None
            except subprocess.CalledProcessError as exc:
                detail = exc.stderr.decode(errors="replace").strip()[:200]
                raise NoticeError(
                    f"{name}: page {number + 1} cannot be rendered ({detail})"
                ) from None
            image = target.with_suffix(".pgm").read_bytes()
            size = (round(width * dpi / 72), round(height * dpi / 72))
            out.append((image, dpi, size))
    timings.render_seconds += time.perf_counter() - started
    return out


def _dpi(square_inches: float, limits: ReadLimits, name: str, number: int) -> int:
    """The configured resolution, lowered so the page stays within the pixel limit."""
    most = int(math.sqrt(limits.max_image_pixels / max(square_inches, 1e-6)))
    dpi = min(limits.ocr_dpi, most)
    if dpi < _MIN_DPI:
        raise NoticeError(
            f"{name}: refused: page {number + 1} is too large to read "
            f"({square_inches:.0f} square inches)"
        )
    return dpi


def _image_frames(
    data: bytes, name: str, limits: ReadLimits, timings: OcrTimings
) -> list[tuple[bytes, int, tuple[int, int]]]:
    """Each frame of a PNG/JPEG/TIFF as a grey PNG, after checking its pixel count."""
    from PIL import Image, UnidentifiedImageError

    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            frames = getattr(image, "n_frames", 1)
            if frames > limits.max_pages:
                raise NoticeError(f"{name}: refused: {frames} pages (limit {limits.max_pages})")
            out = []
            for frame in range(frames):
                image.seek(frame)
                width, height = image.size
                if width * height > limits.max_image_pixels:
                    raise NoticeError(
                        f"{name}: refused: {width}×{height} pixels "
                        f"(limit {limits.max_image_pixels // 1_000_000} million)"
                    )
                dpi = _image_dpi(image.info.get("dpi"))
                buffer = io.BytesIO()
                image.convert("L").save(buffer, "PNG", compress_level=1)
                out.append((buffer.getvalue(), dpi, (width, height)))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise NoticeError(f"{name}: refused: the image is too large ({exc})") from None
    except (UnidentifiedImageError, OSError, ValueError, EOFError) as exc:
        raise NoticeError(f"{name}: not a readable image ({exc})") from None
    timings.render_seconds += time.perf_counter() - started
    return out


def _image_dpi(value: Any) -> int:  # an image's info["dpi"]: a pair, else anything
    try:
        dpi = round(float(value[0]))
    except (TypeError, ValueError, IndexError):
        return 300
    return dpi if 70 <= dpi <= 1200 else 300
