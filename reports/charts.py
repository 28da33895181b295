"""Charts as inline SVG for the dashboard, drawn by hand (simple bars and lines need no library,
and nothing is fetched from the internet); PNG versions for DOCX are in `reports.chart_png`.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

from directives.collation import name_key
from directives.models import BUCKET_LABELS_VI, Bucket
from directives.vn_format import vn_percent
from reports.model import Counts, Rollup

# Traffic-light colours of Vietnamese trackers: green done on time, orange done late,
# blue open within the deadline, red overdue, grey ongoing (no deadline),
# purple awaiting a deadline (bound to an event, no date yet).
BUCKET_COLOURS: dict[Bucket, str] = {
    Bucket.DONE_ON_TIME: "#2e7d32",
    Bucket.DONE_LATE: "#ef7900",
    Bucket.OPEN_ON_TIME: "#1565c0",
    Bucket.OPEN_OVERDUE: "#c62828",
    Bucket.ONGOING: "#9e9e9e",
    Bucket.AWAITING_DEADLINE: "#8e24aa",
}
BUCKET_ORDER = (
    Bucket.DONE_ON_TIME,
    Bucket.DONE_LATE,
    Bucket.OPEN_ON_TIME,
    Bucket.OPEN_OVERDUE,
    Bucket.ONGOING,
    Bucket.AWAITING_DEADLINE,
)
FONT = "font-family=\"'Times New Roman', 'Liberation Serif', serif\""
LABEL_W, BAR_W, ROW_H, TOP = 300, 330, 24, 34


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" {FONT} font-size="13">'
        f"<title>{escape(title)}</title>"
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _clip(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rate_bars(items: Sequence[tuple[str, float | None]], title: str) -> Markup:
    """Horizontal bars of a rate in [0, 1] per label; None is drawn as "—" without a bar."""
    height = TOP + ROW_H * len(items) + 10
    body = []
    for i, (label, rate) in enumerate(items):
        y = TOP + i * ROW_H
        body.append(
            f'<text x="{LABEL_W - 8}" y="{y + 16}" text-anchor="end">{escape(_clip(label))}</text>'
        )
        body.append(_bar(LABEL_W, y, BAR_W, "#eceff1"))
        if rate is not None:
            body.append(_bar(LABEL_W, y, BAR_W * rate, _rate_colour(rate)))
        body.append(f'<text x="{LABEL_W + BAR_W + 6}" y="{y + 16}">{vn_percent(rate)}</text>')
    return _svg(LABEL_W + BAR_W + 70, height, title, body)


def _bar(x: float, y: float, width: float, fill: str, title: str = "") -> str:
    tip = f"<title>{escape(title)}</title>" if title else ""
    return (
        f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW_H - 6}" '
        f'fill="{fill}">{tip}</rect>'
    )


def _rate_colour(rate: float) -> str:
    return "#2e7d32" if rate >= 0.8 else "#ef7900" if rate >= 0.5 else "#c62828"


def stacked_bars(items: Sequence[tuple[str, Counts]], title: str) -> Markup:
    """One horizontal bar per label, split by bucket, scaled to the largest total."""
    largest = max((c.total for _, c in items), default=0) or 1
    legend_y = TOP + ROW_H * len(items) + 8
    body = []
    for i, (label, counts) in enumerate(items):
        y, x = TOP + i * ROW_H, float(LABEL_W)
        body.append(
            f'<text x="{LABEL_W - 8}" y="{y + 16}" text-anchor="end">{escape(_clip(label))}</text>'
        )
        for bucket in BUCKET_ORDER:
            width = BAR_W * counts.get(bucket) / largest
            if width:
                name = f"{BUCKET_LABELS_VI[bucket]}: {counts.get(bucket)}"
                body.append(_bar(x, y, width, BUCKET_COLOURS[bucket], name))
            x += width
        body.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{counts.total}</text>')
    body.extend(_legend(legend_y))
    return _svg(LABEL_W + BAR_W + 70, legend_y + 3 * 20, title, body)


def _legend(y: int) -> list[str]:
    parts = []
    for i, bucket in enumerate(BUCKET_ORDER):
        x, row = 10 + (i % 3) * 230, y + (i // 3) * 20
        parts.append(
            f'<rect x="{x}" y="{row}" width="12" height="12" fill="{BUCKET_COLOURS[bucket]}"/>'
        )
        parts.append(f'<text x="{x + 17}" y="{row + 11}">{escape(BUCKET_LABELS_VI[bucket])}</text>')
    return parts


def line_chart(points: Sequence[tuple[str, int]], title: str, colour: str = "#c62828") -> Markup:
    """A line over periods with the value at each point and the period below it."""
    width, height, left, bottom, top = 700, 250, 50, 200, 40
    largest = max((v for _, v in points), default=0) or 1
    step = (width - left - 30) / max(len(points) - 1, 1)
    coords = [
        (left + i * step, bottom - (bottom - top) * v / largest) for i, (_, v) in enumerate(points)
    ]
    body = [
        f'<line x1="{left}" y1="{bottom}" x2="{width - 20}" y2="{bottom}" stroke="#90a4ae"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#90a4ae"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{largest}</text>',
        f'<text x="{left - 6}" y="{bottom + 4}" text-anchor="end">0</text>',
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
    for (label, value), (x, y) in zip(points, coords, strict=True):
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
        body.append(f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle">{value}</text>')
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 20}" text-anchor="middle">{escape(label)}</text>'
        )
    return _svg(width, height, title, body)


def rate_items(rollup: Rollup, limit: int = 15) -> list[tuple[str, float | None]]:
    """Agencies with the most tasks due, lowest on-time rate first."""
    due = sorted((r for r in rollup.by_agency if r.counts.due), key=lambda r: -r.counts.due)
    shown = sorted(due[:limit], key=lambda r: (r.counts.on_time_rate or 0, name_key(r.label)))
    return [(r.label, r.counts.on_time_rate) for r in shown]


def dashboard_charts(rollup: Rollup, limit: int = 15) -> dict[str, Markup]:
    directives = [(r.label, r.counts) for r in rollup.by_directive[:limit]]
    trend = [(p.period.short_label, p.counts.open_overdue) for p in rollup.trend]
    return {
        "rate_by_agency": rate_bars(
            rate_items(rollup, limit), "Tỷ lệ hoàn thành đúng hạn theo cơ quan"
        ),
        "buckets_by_directive": stacked_bars(
            directives, "Tình trạng nhiệm vụ theo văn bản chỉ đạo"
        ),
        "overdue_trend": line_chart(trend, "Số nhiệm vụ quá hạn chưa hoàn thành qua các kỳ"),
    }
