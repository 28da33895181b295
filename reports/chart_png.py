"""The chart picture for printed reports (PNG by matplotlib, Agg backend, no display needed)."""

from __future__ import annotations

import importlib.util
import io
import logging
from functools import lru_cache
from types import ModuleType

from directives.collation import name_key
from directives.models import BUCKET_LABELS_VI
from directives.vn_format import vn_percent
from reports.charts import BUCKET_COLOURS, BUCKET_ORDER
from reports.model import GroupRow

SERIF = ("Times New Roman", "Liberation Serif", "DejaVu Serif")
# Printed in the report where the chart would be, when the `charts` extra is not installed.
CHARTS_MISSING_VI = (
    "(Biểu đồ không được vẽ: máy chủ chưa cài gói vẽ biểu đồ matplotlib;"
    " cài bằng lệnh pip install 'dondoc[charts]'.)"
)
log = logging.getLogger(__name__)


def charts_available() -> bool:
    """Whether matplotlib (the `charts` extra) is installed; logs why not, once."""
    if importlib.util.find_spec("matplotlib") is not None:
        return True
    _warn_once()
    return False


@lru_cache(maxsize=1)
def _warn_once() -> None:
    log.warning(
        "no chart in DOCX reports: matplotlib is not installed (pip install 'dondoc[charts]')"
    )


VIETNAMESE_PROBE = (0x1EA1, 0x1EC7, 0x01A1, 0x1EE7)  # ạ ệ ơ ủ


@lru_cache(maxsize=1)
def _serif_font() -> str:
    """A Times-like family whose installed file has the Vietnamese letters (Liberation Serif 1.x
    lacks them; 2.x has them), registered with matplotlib under its own name."""
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    for name in SERIF:
        for entry in font_manager.fontManager.ttflist:
            if entry.name != name or entry.style != "normal" or entry.weight not in (400, "normal"):
                continue
            cmap = TTFont(entry.fname, lazy=True).getBestCmap()
            if all(code in cmap for code in VIETNAMESE_PROBE):
                _prefer_files(font_manager, name, entry.fname)
                return name
    return "DejaVu Serif"


def _prefer_files(font_manager: ModuleType, name: str, regular: str) -> None:
    """Drop same-named font files from other folders (the older Liberation without Vietnamese)."""
    folder = regular.rsplit("/", 1)[0]
    font_manager.fontManager.ttflist = [
        f
        for f in font_manager.fontManager.ttflist
        if f.name != name or f.fname.rsplit("/", 1)[0] == folder
    ]
    cached = getattr(font_manager.fontManager, "_findfont_cached", None)
    if cached is not None:
        cached.cache_clear()


def buckets_by_agency_png(rows: list[GroupRow], title: str, limit: int = 12) -> bytes:
    """Stacked horizontal bars of buckets for the agencies with most tasks due, rate at the end."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    ordered = sorted(rows, key=lambda r: (-r.counts.due, -r.counts.total, name_key(r.label)))
    shown = ordered[:limit][::-1]
    height = 0.42 * len(shown) + 1.9
    fig = Figure(figsize=(6.3, height), dpi=150)
    ax = fig.add_subplot()
    family = _serif_font()
    font = {"family": family, "size": 9}
    lefts = [0] * len(shown)
    labels = [_wrap(r.label) for r in shown]
    for bucket in BUCKET_ORDER:
        values = [r.counts.get(bucket) for r in shown]
        ax.barh(
            labels,
            values,
            left=lefts,
            color=BUCKET_COLOURS[bucket],
            label=BUCKET_LABELS_VI[bucket],
            height=0.62,
        )
        lefts = [a + b for a, b in zip(lefts, values, strict=True)]
    largest = max(lefts, default=0) or 1
    for y, (row, total) in enumerate(zip(shown, lefts, strict=True)):
        ax.text(
            total + largest * 0.01,
            y,
            f"{total} · {vn_percent(row.counts.on_time_rate)}",
            va="center",
            fontdict=font,
        )
    ax.set_xlim(0, largest * 1.22)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontdict={**font, "size": 11, "weight": "bold"})
    ax.tick_params(labelsize=8.5)
    for tick in ax.get_yticklabels() + ax.get_xticklabels():
        tick.set_fontfamily(family)
    ax.spines[["top", "right"]].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=3,
        frameon=False,
        prop={"family": font["family"], "size": 8},
    )
    # fixed margins, not tight_layout: that draws the figure once more (half the time)
    fig.subplots_adjust(left=0.36, right=0.97, top=1 - 0.4 / height, bottom=0.95 / height)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _wrap(label: str, width: int = 34) -> str:
    """Break a long agency name onto two lines at a space."""
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    rest = label[cut:].strip()
    return label[:cut] + "\n" + (rest if len(rest) <= width else rest[: width - 1] + "…")
