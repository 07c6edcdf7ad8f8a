"""`workbench metrics`' output: text lines (a table and a bar chart per series, 80 columns),
a Markdown section and an HTML section for a meeting, in `analysis_report`'s style.

Each period is one row: its value, the counts behind it, the change on the previous period,
a bar with the target band marked `|`, and its marks; a flagged period's flags follow on the
next line, in words.
"""

from __future__ import annotations

import html
import textwrap

from workbench.core.domain.framework import METRIC_SMALL, volume_words
from workbench.core.domain.safe_text import markdown_text
from workbench.core.evidence.periods import Kind, MetricsReport, Point, Series, SourceRevenue

BAR = 30  # the chart's width in characters
WIDTH = 80  # the terminal text's width: prose lines wrap to it


def _wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    """Prose wrapped to WIDTH: the first line after `first` (default `indent`)."""
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_on_hyphens=False,
    )


MARKS = (
    f"marks: p partial period, ~ not yet mature, s under {METRIC_SMALL} in the denominator, "
    "e too early in the file (its leads were created before it); these are shown, never "
    "flagged; ! flagged (the reasons follow)"
)
COHORTS = (
    "The MQLs are the ones your CRM recorded (the leads file's mql_at), whatever process made "
    "them, not this version replayed (that is `workbench backtest`). Rates are over the MQLs "
    "created in each period (the false-negative rate: over the deals won in it), whenever "
    "their outcome came. Acceptance is accepted / all MQLs (unworked ones count as not "
    "accepted), as the framework's metrics table defines it."
)


def _value(value: float | None, kind: Kind) -> str:
    if value is None:
        return "n/a"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "days":
        return f"{value:.1f} d"
    return f"{value:.0f}"


def _change(change: float | None, kind: Kind) -> str:
    if change is None:
        return ""
    if kind == "rate":
        return f"{change * 100:+.1f}pt"
    if kind == "days":
        return f"{change:+.1f} d"
    return f"{change:+.0f}"


def _basis(point: Point, kind: Kind) -> str:
    """The counts behind the value: '6/21' for a rate, 'n=21' for an average."""
    if point.denominator is None:
        return ""
    if kind == "days":
        return f"n={point.denominator}"
    return f"{point.numerator:.0f}/{point.denominator}"


def _marks(point: Point) -> str:
    return "".join(
        mark
        for mark, on in (
            ("p", point.partial),
            ("~", not point.mature),
            ("s", point.small),
            ("e", point.early),
            ("!", bool(point.flags)),
        )
        if on
    )


def _scale(series: Series) -> float:
    values = [p.value for p in series.points if p.value is not None]
    values += [b for b in (series.low, series.high) if b is not None]
    return max(values, default=0.0) or 1.0


def bar(value: float | None, series: Series, scale: float, width: int = BAR) -> str:
    """`#` up to the value, `|` where the band's bounds fall, on a common scale."""
    filled = 0 if value is None else round(min(value, scale) / scale * width)
    cells = ["#" if i < filled else " " for i in range(width)]
    for bound in (series.low, series.high):
        if bound is not None:
            cells[min(width - 1, round(bound / scale * width))] = "|"
    return "".join(cells)


def _title(series: Series) -> str:
    every = {"week": "weekly", "month": "monthly", "quarter": "quarterly"}[series.every]
    return f"{series.name}: {every}, target {series.target}"


def _days(days: float) -> str:
    """'1 day', '16 days', 'under a day': how the room says a lag."""
    if days < 1:
        return "under a day"
    whole = round(days)
    return f"{whole} day" if whole == 1 else f"{whole} days"


def _about(series: Series) -> str:
    """The cohort and the maturity rule the series was read by."""
    text = f"cohort: {series.cohort}"
    if series.lag_days is not None:
        text += (
            f"; mature once the period's end is {_days(series.lag_days)} (the median MQL "
            "to outcome seen in the file) before the file's last moment"
        )
    if series.lead_in_days is not None:
        text += (
            f"; early while the period starts under {_days(series.lead_in_days)} (the "
            "median lead to MQL in the file) after the file's first lead"
        )
    return text


def _heading(report: MetricsReport) -> list[str]:
    return [
        f"Metrics for {report.definition} v{report.version} "
        + (
            f"(committed: {volume_words(report.monthly_volume)})"
            if report.monthly_volume
            else "(no monthly volume committed)"
        ),
        f"{report.source}; {report.first.date().isoformat()} to "
        f"{report.as_of.date().isoformat()} (the file's last moment)",
        COHORTS,
    ]


def _money(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


SOURCE_HEADER = ("source", "leads", "MQLs", "wins", "won revenue", "avg deal", "via MQL")


def _total(sources: tuple[SourceRevenue, ...]) -> SourceRevenue:
    return SourceRevenue(
        "total",
        sum(s.leads for s in sources),
        sum(s.mqls for s in sources),
        sum(s.wins for s in sources),
        sum(s.revenue for s in sources),
        sum(s.revenue_via_mql for s in sources),
        sum(s.priced_wins for s in sources),
    )


def _source_rows(report: MetricsReport) -> list[tuple[str, ...]]:
    rows = [*report.sources, _total(report.sources)] if report.sources else []
    return [
        (
            s.source,
            f"{s.leads:,}",
            f"{s.mqls:,}",
            f"{s.wins:,}",
            _money(s.known_revenue) + ("*" if s.unpriced_wins else ""),
            _money(s.average_deal),
            _share(s.share_via_mql),
        )
        for s in rows
    ]


REVENUE_TITLE = "Closed-won revenue by lead source"
REVENUE_NOTE = (
    "The metric that matters is MQL-sourced closed-won revenue. 'via MQL': the share of "
    "won revenue from leads that were an MQL on or before the win; average deal over wins "
    "with an amount."
)


def apart_note(report: MetricsReport) -> str:
    """002's sources qualified apart that the definition scores, named, or nothing."""
    names = report.scored_apart
    if not names:
        return ""
    quoted = ", ".join(f'"{name}"' for name in names)
    one = len(names) == 1
    return (
        f" 002 qualifies event lists, badge scans and cold lists apart, not by MQL scoring: "
        f"{quoted} {'is' if one else 'are'} named like one and this definition scores "
        f"{'it' if one else 'them'}; fit.exclude_sources qualifies a source apart."
    )


def revenue_note(report: MetricsReport) -> str:
    """`REVENUE_NOTE`, how many wins have no amount (their revenue unknown, not 0), and the
    sources 002 qualifies apart that the definition scores."""
    unpriced = sum(s.unpriced_wins for s in report.sources)
    if not unpriced:
        return REVENUE_NOTE + apart_note(report)
    return (
        f"{REVENUE_NOTE} *: {unpriced:,} closed-won "
        f"{'lead has' if unpriced == 1 else 'leads have'} no amount; their revenue is "
        "unknown and not in these sums (n/a where no win of the source has one)."
        + apart_note(report)
    )


def series_lines(series: Series) -> list[str]:
    """One series as a table with its chart, at most 80 columns (flags on their own line)."""
    lines = [*_wrap(_title(series), "  ", ""), *_wrap(_about(series), "  ")]
    if series.missing:
        return [*lines, f"  not measured: {series.missing}"]
    lines.append(f"  {'period':<8} {'value':>8} {'counts':>9} {'change':>8}  chart")
    scale = _scale(series)
    for p in series.points:
        lines.append(
            f"  {p.label:<8} {_value(p.value, series.kind):>8} {_basis(p, series.kind):>9} "
            f"{_change(p.change, series.kind):>8}  {bar(p.value, series, scale)} {_marks(p)}".rstrip()
        )
        if p.flags:
            lines += _wrap("; ".join(p.flags), " " * 13, " " * 11 + "! ")
    return lines


def metrics_lines(report: MetricsReport) -> list[str]:
    """The report as a terminal reads it."""
    lines = [line for text in (*_heading(report), MARKS) for line in _wrap(text, "  ", "")]
    for series in report.series:
        lines += ["", *series_lines(series)]
    lines += ["", REVENUE_TITLE, *_wrap(revenue_note(report), "  ")]
    lines.append("  {:<20} {:>7} {:>6} {:>5} {:>12} {:>10} {:>8}".format(*SOURCE_HEADER))
    lines += [
        f"  {a[:20]:<20} {b:>7} {c:>6} {d:>5} {e:>12} {f:>10} {g:>8}"
        for a, b, c, d, e, f, g in _source_rows(report)
    ] or ["  no leads"]
    return lines


POINT_HEADER = ("period", "value", "counts", "change", "marks", "flags")


def _point_cells(point: Point, kind: Kind) -> tuple[str, ...]:
    return (
        point.label,
        _value(point.value, kind),
        _basis(point, kind),
        _change(point.change, kind),
        _marks(point),
        "; ".join(point.flags),
    )


def _chart(series: Series) -> list[str]:
    scale = _scale(series)
    return [
        f"{p.label:<8} {bar(p.value, series, scale)} {_marks(p)}".rstrip() for p in series.points
    ]


def _md(cell: str) -> str:
    return markdown_text(cell)


def metrics_markdown(report: MetricsReport) -> str:
    """A Markdown section for the meeting."""
    head = _heading(report)
    out = [f"## {_md(head[0])}", "", f"{_md(head[1])}. {head[2]} {MARKS}."]
    for series in report.series:
        out += ["", f"### {_title(series)}", "", _about(series) + "."]
        if series.missing:
            out += ["", f"Not measured: {_md(series.missing)}."]
            continue
        out += ["", "| " + " | ".join(POINT_HEADER) + " |", "|---|---:|---:|---:|---|---|"]
        out += [
            "| " + " | ".join(_md(c) for c in _point_cells(p, series.kind)) + " |"
            for p in series.points
        ]
        out += ["", "```text", *_chart(series), "```"]
    out += ["", f"### {REVENUE_TITLE}", "", _md(revenue_note(report)), ""]
    out += ["| " + " | ".join(SOURCE_HEADER) + " |", "|---|---:|---:|---:|---:|---:|---:|"]
    out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in _source_rows(report)]
    return "\n".join(out) + "\n"


def metrics_html(report: MetricsReport) -> str:
    """An HTML section (no page around it) for the meeting."""
    e = html.escape
    head = _heading(report)
    out = [f'<section class="metrics"><h2>{e(head[0])}</h2>']
    out.append(f"<p>{e(head[1])}. {e(head[2])} {e(MARKS)}.</p>")
    for series in report.series:
        out.append(f"<h3>{e(_title(series))}</h3><p>{e(_about(series))}.</p>")
        if series.missing:
            out.append(f"<p>Not measured: {e(series.missing)}.</p>")
            continue
        out.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in POINT_HEADER) + "</tr>")
        for p in series.points:
            cells = _point_cells(p, series.kind)
            out.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
        out.append("</table>")
        out.append("<pre>" + e("\n".join(_chart(series))) + "</pre>")
    out.append(f"<h3>{e(REVENUE_TITLE)}</h3><p>{e(revenue_note(report))}</p><table><tr>")
    out.append("".join(f"<th>{e(h)}</th>" for h in SOURCE_HEADER) + "</tr>")
    for row in _source_rows(report):
        out.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
    out.append("</table></section>")
    return "\n".join(out) + "\n"
