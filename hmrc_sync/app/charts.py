"""Server-rendered SVG charts for the status page: no script, no download, nothing from a
CDN, so the page works offline and under a strict Content-Security-Policy.

Each chart is readable without colour: every series has its own fill *pattern* as well as
its colour, every bar is labelled with its value, and the chart carries a text alternative
(``<title>`` and ``<desc>`` naming every figure) for screen readers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Final

from markupsafe import Markup

# Colour-blind-safe colours (Okabe-Ito), each with its own pattern.
_SERIES_STYLE: Final = (
    ("#0072B2", None),  # solid blue
    ("#E69F00", "hatch"),  # orange, diagonal lines
    ("#009E73", "dots"),  # green, dots
    ("#CC79A7", "cross"),  # purple, cross-hatch
)
_HEIGHT: Final = 220
_TOP: Final = 24
_BOTTOM: Final = 44
_LEFT: Final = 8


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[Decimal | None, ...]  # one per category; None: no figure


def money_label(value: Decimal) -> str:
    """£12,345 (whole pounds: bar labels must stay short)."""
    return f"£{value:,.0f}"


def _patterns(chart_id: str) -> str:
    defs = []
    for index, (colour, kind) in enumerate(_SERIES_STYLE):
        pid = f"{chart_id}-p{index}"
        if kind is None:
            continue
        if kind == "hatch":
            marks = f'<path d="M0,8 L8,0" stroke="{colour}" stroke-width="2.5"/>'
        elif kind == "dots":
            marks = f'<circle cx="4" cy="4" r="2" fill="{colour}"/>'
        else:
            marks = f'<path d="M0,0 L8,8 M8,0 L0,8" stroke="{colour}" stroke-width="1.8"/>'
        defs.append(
            f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="#fff"/>{marks}</pattern>'
        )
    return "<defs>" + "".join(defs) + "</defs>"


def _fill(chart_id: str, index: int) -> str:
    colour, kind = _SERIES_STYLE[index % len(_SERIES_STYLE)]
    return colour if kind is None else f"url(#{chart_id}-p{index % len(_SERIES_STYLE)})"


def bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
) -> Markup:
    """Grouped vertical bars: one group per category (a tax year), one bar per series."""
    groups = max(len(categories), 1)
    bars = max(len(series), 1)
    bar_width = 26
    group_width = bars * bar_width + 24
    width = _LEFT * 2 + groups * group_width
    plot = _HEIGHT - _TOP - _BOTTOM
    values = [v for s in series for v in s.values if v is not None]
    peak = max((abs(v) for v in values), default=Decimal(1)) or Decimal(1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(categories, series))}</desc>',
        _patterns(chart_id),
    ]
    baseline = _TOP + plot
    for group, category in enumerate(categories):
        x0 = _LEFT + group * group_width + 12
        for index, item in enumerate(series):
            value = item.values[group]
            x = x0 + index * bar_width
            if value is None:
                parts.append(
                    f'<text x="{x + bar_width / 2 - 1}" y="{baseline - 4}" '
                    f'text-anchor="middle" class="none">&#8211;</text>'
                )
                continue
            height = float(abs(value) / peak) * plot
            y = baseline - height
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="{bar_width - 4}" height="{height:.1f}" '
                f'fill="{_fill(chart_id, index)}" stroke="{_SERIES_STYLE[index % 4][0]}">'
                f"<title>{escape(f'{category} {item.name}: {money_label(value)}')}</title></rect>"
            )
            parts.append(
                f'<text x="{x + (bar_width - 4) / 2}" y="{y - 4:.1f}" text-anchor="middle" '
                f'class="value" transform="rotate(-35 {x + (bar_width - 4) / 2} {y - 4:.1f})">'
                f"{escape(money_label(value))}</text>"
            )
        parts.append(
            f'<text x="{x0 + bars * bar_width / 2 - 2}" y="{baseline + 18}" '
            f'text-anchor="middle" class="category">{escape(category)}</text>'
        )
    parts.append(
        f'<line x1="{_LEFT}" y1="{baseline}" x2="{width - _LEFT}" y2="{baseline}" '
        'stroke="#0b0c0c"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def legend(chart_id: str, series: Sequence[Series]) -> Markup:
    """The key, with each series' swatch (its colour and its pattern)."""
    items = []
    for index, item in enumerate(series):
        swatch = (
            f'<svg width="18" height="14" aria-hidden="true">{_patterns(chart_id + "-key")}'
            f'<rect width="18" height="14" fill="{_fill(chart_id + "-key", index)}" '
            f'stroke="{_SERIES_STYLE[index % 4][0]}"/></svg>'
        )
        items.append(f"<li>{swatch} {escape(item.name)}</li>")
    return Markup('<ul class="legend">' + "".join(items) + "</ul>")  # noqa: S704


def describe(categories: Sequence[str], series: Sequence[Series]) -> str:
    """The chart as a sentence per category, for screen readers."""
    sentences = []
    for group, category in enumerate(categories):
        figures = [
            f"{item.name} {money_label(value) if value is not None else 'no figure'}"
            for item, value in ((s, s.values[group]) for s in series)
        ]
        sentences.append(f"{category}: " + ", ".join(figures) + ".")
    return " ".join(sentences)


MONTHS: Final = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")


def projection_chart(
    chart_id: str,
    title: str,
    actual: Sequence[Decimal],
    projected_end: Decimal,
    owed: Decimal,
) -> Markup:
    """Tax deducted so far by tax month (a solid line), carried on to 5 April (a dashed line)
    against the tax owed for the year (a level line), with a text alternative."""
    width, height, left, right, top, bottom = 460, 220, 56, 12, 16, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([*actual, projected_end, owed, Decimal(1)])

    def x(month: int) -> float:  # month 0 is 6 April, 12 is 5 April
        return left + plot_w * month / 12

    def y(value: Decimal) -> float:
        return top + plot_h - float(value / peak) * plot_h

    done = len(actual)
    solid = " ".join(f"{x(m + 1):.1f},{y(v):.1f}" for m, v in enumerate(actual))
    solid = f"{x(0):.1f},{y(Decimal(0)):.1f} " + solid
    last = actual[-1] if actual else Decimal(0)
    dashed = f"{x(done):.1f},{y(last):.1f} {x(12):.1f},{y(projected_end):.1f}"
    text = (
        f"Tax deducted so far: {money_label(last)} after {done} of 12 months; if pay stays as "
        f"it is, {money_label(projected_end)} by 5 April, against {money_label(owed)} owed "
        "for the year."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(text)}</desc>',
        f'<line x1="{left}" y1="{y(owed):.1f}" x2="{width - right}" y2="{y(owed):.1f}" '
        'stroke="#d4351c" stroke-width="2" stroke-dasharray="2 3"/>',
        f'<text x="{width - right}" y="{y(owed) - 4:.1f}" text-anchor="end">'
        f"owed {escape(money_label(owed))}</text>",
        f'<polyline points="{solid}" fill="none" stroke="#0072B2" stroke-width="3"/>',
        f'<polyline points="{dashed}" fill="none" stroke="#0072B2" stroke-width="3" '
        'stroke-dasharray="8 5"/>',
        f'<text x="{x(12):.1f}" y="{top + plot_h - 6}" text-anchor="end">'
        f"deducted by 5 April {escape(money_label(projected_end))}</text>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#0b0c0c"/>',
    ]
    for month in (0, 3, 6, 9):
        parts.append(
            f'<text x="{x(month) + plot_w / 24:.1f}" y="{height - 10}" text-anchor="middle" '
            f'class="category">{MONTHS[month]}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    row: str  # the tax year
    when: dt.date
    kind: str  # "appeared", "changed" or "withdrawn"
    note: str  # e.g. the employer


def timeline_chart(chart_id: str, title: str, events: Sequence[TimelineEvent]) -> Markup:
    """One row per tax year, a mark for each time HMRC's figures appeared (a filled circle),
    changed (a ring) or were withdrawn (a cross), along a date axis; with a text alternative."""
    rows = sorted({event.row for event in events}, reverse=True)
    start = min(event.when for event in events)
    end = max(event.when for event in events)
    span = max((end - start).days, 1)
    width, left, right, row_h, top = 460, 64, 16, 26, 12
    height = top + row_h * len(rows) + 28

    def x(day: dt.date) -> float:
        return left + (width - left - right) * (day - start).days / span

    text = " ".join(
        f"{event.row}: {event.kind} on {event.when.isoformat()} ({event.note})." for event in events
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(text)}</desc>',
    ]
    for index, row in enumerate(rows):
        y = top + row_h * index + row_h / 2
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(row)}</text>')
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#b1b4b6"/>'
        )
        for event in (e for e in events if e.row == row):
            cx = x(event.when)
            label = escape(f"{event.row}: {event.kind} {event.when.isoformat()} ({event.note})")
            if event.kind == "withdrawn":
                mark = (
                    f'<path d="M{cx - 5:.1f},{y - 5:.1f} L{cx + 5:.1f},{y + 5:.1f} '
                    f'M{cx + 5:.1f},{y - 5:.1f} L{cx - 5:.1f},{y + 5:.1f}" stroke="#d4351c" '
                    'stroke-width="2.5"/>'
                )
            else:
                fill = "#0072B2" if event.kind == "appeared" else "#fff"
                mark = (
                    f'<circle cx="{cx:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="#0072B2" '
                    'stroke-width="2"/>'
                )
            parts.append(f"<g><title>{label}</title>{mark}</g>")
    axis_y = top + row_h * len(rows) + 14
    parts.append(f'<text x="{left}" y="{axis_y}">{start.isoformat()}</text>')
    parts.append(
        f'<text x="{width - right}" y="{axis_y}" text-anchor="end">{end.isoformat()}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
