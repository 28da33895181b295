"""The leader dashboard as HTML (Jinja2, autoescape on), charts inline as SVG.

The web app reuses the templates: include "dashboard_css.html.j2" in its <head> and the
fragment from `render_dashboard_html(rollup, standalone=False)` (or "dashboard_body.html.j2"
with `dashboard_context(rollup)`) in its page. Loader folder: `TEMPLATE_DIR`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from directives.labels import cited
from directives.models import BUCKET_LABELS_VI, Bucket
from directives.vn_format import vn_date, vn_int, vn_percent
from reports.charts import BUCKET_COLOURS, dashboard_charts
from reports.labels import change, state_vi
from reports.model import RATE_FORMULA_VI, Rollup
from reports.output import atomic_write
from reports.succession import NOTE_VI

TEMPLATE_DIR = Path(__file__).parent / "templates"
OVERDUE_SHOWN = 100


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    change: str
    colour: str


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(num=vn_int, percent=vn_percent, date_vi=vn_date, state_vi=state_vi,
                       cited=cited, bucket_vi=bucket_vi)  # fmt: skip
    return env


def bucket_vi(bucket: str | None) -> str:
    return BUCKET_LABELS_VI[Bucket(bucket)] if bucket else ""


def kpis(rollup: Rollup) -> list[Kpi]:
    now, before = rollup.totals, rollup.previous_totals
    cards = [Kpi("Tổng số nhiệm vụ", vn_int(now.total), change(before.total, now.total), "#455a64")]
    for bucket in (
        Bucket.DONE_ON_TIME,
        Bucket.DONE_LATE,
        Bucket.OPEN_ON_TIME,
        Bucket.OPEN_OVERDUE,
        Bucket.ONGOING,
        Bucket.AWAITING_DEADLINE,
    ):
        value, old = now.get(bucket), before.get(bucket)
        cards.append(
            Kpi(BUCKET_LABELS_VI[bucket], vn_int(value), change(old, value), BUCKET_COLOURS[bucket])
        )
    rate_change = f"kỳ trước: {vn_percent(before.on_time_rate)}"
    cards.append(
        Kpi("Tỷ lệ hoàn thành đúng hạn (*)", vn_percent(now.on_time_rate), rate_change, "#2e7d32")
    )
    return cards


def dashboard_context(rollup: Rollup, overdue_shown: int = OVERDUE_SHOWN) -> dict[str, Any]:
    return {
        "r": rollup,
        "kpis": kpis(rollup),
        "charts": dashboard_charts(rollup),
        "overdue": rollup.overdue[:overdue_shown],
        "formula": RATE_FORMULA_VI,
        "agency_note": NOTE_VI[rollup.scope.agency_at],
    }


def render_dashboard_css() -> str:
    return environment().get_template("dashboard_css.html.j2").render()


def render_dashboard_html(rollup: Rollup, *, standalone: bool) -> str:
    """A whole page (standalone) or the <section> fragment for the web app's own layout."""
    name = "dashboard_page.html.j2" if standalone else "dashboard_body.html.j2"
    # in the web page, long sections fold (<details>) so a phone need not scroll through them
    return environment().get_template(name).render(dashboard_context(rollup), fold=not standalone)


def write_html(rollup: Rollup, path: Path) -> None:
    atomic_write(path, render_dashboard_html(rollup, standalone=True).encode("utf-8"))
