"""A backtest as plain text: the tables, a bar chart and the advice, for a terminal or a panel.

Plain text on purpose: the CLI prints it, the workshop app shows it in a panel, and a facilitator
can paste it into the pull request that adds the definition. Nothing here is coloured; every
reading is in words ("healthy", "above the 10% alarm").
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.core.domain import framework
from workbench.core.domain.stages import STAGES
from workbench.core.evidence.backtest import Backtest, Comparison, LeadTypeFigures
from workbench.core.evidence.missed import MissedWins

BAR = "█"
PARTS = " ▏▎▍▌▋▊▉"


ALARM = framework.percent(framework.FALSE_NEGATIVE_ALARM)


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _bar(value: float, scale: float, width: int) -> str:
    """A horizontal bar in eighths of a cell, so small differences still show."""
    if scale <= 0:
        return ""
    eighths = round(value / scale * width * 8)
    full, part = divmod(eighths, 8)
    return BAR * full + (PARTS[part] if part else "")


def partial_months(result: Backtest) -> list[str]:
    """The chart's months the history does not cover from their first day to their last
    (`coverage.covers`, as `metrics` marks a partial period): a month one activity at its
    first midnight reaches reads 0 MQLs, not a month without demand."""
    return [month for month, _n in result.monthly if month not in result.complete_months]


def monthly_chart(result: Backtest, width: int = 40) -> list[str]:
    """One bar per month, with the stage's typical range marked as ┆ on the scale; a month
    the history covers only in part says so after its count."""
    stage = STAGES[result.stage]
    peak = max([n for _, n in result.monthly] + [stage.volume_low])
    if stage.volume_high is not None:
        peak = max(peak, min(stage.volume_high, peak * 2))
    marks = {round(stage.volume_low / peak * width)} if peak else set()
    if stage.volume_high is not None and stage.volume_high <= peak:
        marks.add(round(stage.volume_high / peak * width))
    partial = set(partial_months(result))
    lines = []
    for month, count in result.monthly:
        bar = _bar(count, peak, width)
        cells = list(bar.ljust(width))
        for mark in marks:
            if 0 < mark <= width and cells[mark - 1] == " ":
                cells[mark - 1] = "┆"
        note = "  partial" if month in partial else ""
        lines.append(f"  {month}  {''.join(cells)}  {count:>6}{note}")
    typical = f"┆ marks the {stage.label} typical {stage.volume} (where it fits the scale)"
    footer = []
    if partial:
        apart = " (not averaged)" if result.complete_months else ""
        footer.append(f"  {'':7}  partial: only part of the month is in the history{apart}")
    return [*lines, *footer, f"  {'':7}  {typical}"]


def _share(part: int, whole: int) -> str:
    return f"{part:>7}  {percent(part / whole) if whole else 'n/a':>6}"


def backtest_lines(result: Backtest, chart_width: int = 40) -> list[str]:
    """The whole report for one definition."""
    partial = partial_months(result)
    period = (
        f"{result.first_day} to {result.last_day}, {_count(len(result.monthly), 'month')}"
        + (f" ({_listed(partial)} partial)" if partial else "")
        if result.first_day
        else "no activity in the data"
    )
    complete = len(result.complete_months)
    over = (
        f"over {_count(complete, 'complete month')}"
        if complete
        else f"over {_count(len(result.monthly), 'partial month')}"
    )
    lines = [
        f"Backtest of {result.definition}",
        f"  history: {result.leads} leads, {result.activities} activities, {period}",
        "",
    ]
    if not result.lead_types:
        lines.append(
            f"{result.counted}: {result.events} from {result.leads_passed} leads, "
            f"{result.per_month:.1f} per month {over} ({result.volume_reading()})"
        )
    else:
        lines.append(
            f"{result.counted}: {result.events} from {result.leads_passed} leads, "
            f"{result.per_month:.1f} per month {over}"
        )
        for figures in result.lead_types.values():
            reading = f" ({result.volume_reading()})" if figures.lead_type == "mql" else ""
            lines.append(
                f"  {figures.name}s: {figures.events} from {_count(figures.leads, 'lead')}, "
                f"{result.type_per_month(figures):.1f} per month{reading}"
            )
        lines.append(
            "  a motion's PQLs and AQLs are not MQL variants (000): the stage's volume, the "
            "SLA's commitment, acceptance, conversion and rejection reasons below count MQLs "
            "alone; each other type has its own lines"
        )
    if complete >= 3:
        every = f" ({result.counted} together)" if result.lead_types else ""
        lines.append(f"  last 3 complete months: {result.recent_per_month:.1f} per month{every}")
    if any(n for _, n in result.historical_monthly):
        lines.append(
            f"  the old process made {result.historical_per_month:.1f} MQLs per month "
            "(the leads file's mql_at)"
        )
    if result.median_days_to_mql is not None:
        lines.append(f"  median {result.median_days_to_mql:.1f} days from lead created to MQL")
    if result.gate_values:
        lines.append("")
        lines.append("The history's values and the fit gate's lists do not meet")
        lines.extend(f"  {line}" for line in result.gate_values)
    lines.append("")
    lines.append(f"{result.counted} per month")
    lines.extend(monthly_chart(result, chart_width))
    if result.by_tier:
        lines.append("")
        lines.append("By tier")
        for tier, n in result.by_tier.items():
            lines.append(f"  {tier:<28}{_share(n, result.events)}")
    if result.by_group:
        lines.append("")
        lines.append("By segment or motion")
        for group, n in result.by_group.items():
            lines.append(f"  {group:<28}{_share(n, result.events)}")
    acceptance = result.acceptance
    lines.append("")
    band = acceptance.band()
    reading = f" ({band[0]})" if band else ""
    of_mqls = " of MQLs" if result.lead_types else ""
    lines.append(f"Expected acceptance{of_mqls}: {percent(acceptance.rate)}{reading}")
    if 0 < acceptance.counted < 30:
        lines.append(
            f"  from only {acceptance.counted} MQLs sent to an SDR: read it as a rough guide"
        )
    lines.append(
        f"  accepted over the MQLs sent to an SDR (001's accepted / total MQLs): "
        f"{acceptance.accepted} accepted, {acceptance.rejected} rejected, "
        f"{acceptance.unworked} never worked or left undecided"
    )
    if acceptance.unworked and acceptance.decided:
        lines.append(
            f"  of those sales decided on, {percent(acceptance.rate_of_decided)} were accepted"
        )
    if acceptance.no_decision:
        lines.append(
            f"  {acceptance.no_decision} never sent to an SDR by the old process are not counted"
        )
    if band:
        lines.append(f"  {band[1]}")
    lines.append(
        f"MQL to opportunity: {percent(result.opportunity_rate)} ({result.opportunities} of "
        f"{_count(result.mql_leads, 'MQL lead')}); MQL to closed-won: "
        f"{percent(result.won_rate)} ({result.won})"
    )
    for figures in result.other_types():
        lines.extend(_type_lines(figures))
    if result.other_types():
        lines.append("")
    fn = result.false_negatives
    alarm = f"above the {ALARM} alarm" if fn.alarm else f"within the {ALARM} rule"
    if fn.won:
        lines.append(
            f"False negatives: {percent(fn.rate)} ({fn.missed} of {fn.won} closed-won leads "
            f"never {_handed(result)} before the win), {alarm}"
        )
    else:
        lines.append("False negatives: no closed-won leads in the history")
    if result.missed_wins is not None and result.missed_wins.read:
        lines.extend(missed_lines(result.missed_wins))
    if result.rejection_reasons:
        lines.append("")
        among = "MQLs" if result.lead_types else "leads"
        lines.append(f"Top rejection reasons among the {among} it passes")
        for reason in result.rejection_reasons:
            lines.append(f"  {reason.label:<34}{reason.count:>6}  {percent(reason.share):>6}")
            lines.append(f"    → {reason.advice}")
    advice = result.advice()
    if advice:
        lines.append("")
        lines.append("What to calibrate")
        lines.extend(f"  • {item}" for item in advice)
    if result.readings:
        lines.append("")
        lines.append("Where the material disagrees")
        lines.extend(f"  {line}" for line in result.readings)
    return lines


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _handed(result: Backtest) -> str:
    """What a win must have been made to be handed over: 'an MQL', or any type a motion makes
    ('an MQL, PQL or AQL'): a win the account-based motion caught is not a false negative."""
    if not result.lead_types:
        return "an MQL"
    names = [figures.name for figures in result.lead_types.values()]
    return "an " + (", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0])


def _type_lines(figures: LeadTypeFigures) -> list[str]:
    """A PQL's or AQL's own acceptance and conversion, apart from the MQL figures (000)."""
    name, acceptance = figures.name, figures.acceptance
    if not figures.leads:
        return ["", f"{name} acceptance and conversion: no {name} in this history to read"]
    lines = [""]
    if acceptance.counted:
        lines.append(
            f"{name} acceptance: {percent(acceptance.rate)} ({acceptance.accepted} accepted, "
            f"{acceptance.rejected} rejected, {acceptance.unworked} never worked or left "
            f"undecided, of {_count(acceptance.counted, f'{name} lead')} sent to an SDR)"
        )
    else:
        lines.append(
            f"{name} acceptance: no SDR decision in the history for these leads "
            f"({acceptance.no_decision} never sent to an SDR by the old process)"
        )
    lines.append(
        f"{name} to opportunity: {percent(figures.opportunity_rate)} ({figures.opportunities} "
        f"of {_count(figures.leads, f'{name} lead')}); {name} to closed-won: "
        f"{percent(figures.won_rate)} ({figures.won})"
    )
    return lines


def three_numbers(after: Backtest, before: Backtest | None = None) -> list[str]:
    """The three numbers the framework asks the room for, each with its reading in words.

    They are MQL figures: where a motion also makes PQLs or AQLs, the title says so, the
    volume and acceptance count MQLs alone, and a false negative is a win no motion handed
    over (the report's own lines give the PQLs and AQLs)."""

    def value(read: Callable[[Backtest], str]) -> str:
        return read(after) if before is None else f"{read(before)} → {read(after)}"

    band = after.acceptance.band()
    fn = after.false_negatives
    if fn.won:
        alarm = f"above the {ALARM} alarm" if fn.alarm else f"within the {ALARM} rule"
        by = " by every motion" if after.lead_types else ""
        missed = f"{alarm} ({fn.missed} of {fn.won} wins missed{by})"
    else:
        missed = "no closed-won leads in the history"
    rows = [
        ("MQLs per month", value(lambda r: f"{r.mql_per_month:.1f}"), after.volume_reading()),
        (
            "expected acceptance",
            value(lambda r: percent(r.acceptance.rate)),
            band[0] if band else "no MQL sent to an SDR among these leads in the history",
        ),
        ("false negatives", value(lambda r: percent(r.false_negatives.rate)), missed),
    ]
    width = max(len(number) for _label, number, _reading in rows)
    title = "The three numbers"
    if before is not None:
        title += f", {before.definition} → {after.definition}"
    if after.lead_types or (before is not None and before.lead_types):
        title += " (MQL figures: a motion's PQLs and AQLs are reported apart)"
    lines = [title, *(f"  {label:<20} {n:>{width}}  {reading}" for label, n, reading in rows)]
    best = after.best_loosening() if fn.alarm else None
    if best is not None:
        lines.append(
            f"  {'':<20} {'':>{width}}  loosening {best.clause} alone wins back {best.recovered}"
        )
    return lines


def missed_lines(missed: MissedWins) -> list[str]:
    """Why the missed wins were missed: each clause, the wins it kept out, what loosening it
    alone wins back, and the leads' values for it."""
    scope = f"the {missed.read:,} most recent of {missed.missed:,}" if missed.sample else "each one"
    lines = [f"  Why they were missed ({scope}: the verdict at its last activity up to the win)"]
    rows: list[tuple[str, int, str]] = []
    if missed.no_activity:
        rows.append(("no activity before the win", missed.no_activity, "sourced without marketing"))
    for clause in missed.clauses:
        notes = []
        if clause.recovered is not None:
            notes.append(f"loosening it alone wins back {clause.recovered}")
        elif clause.clause == "triggers" and missed.activity:
            did = ", ".join(f"{kind} {n}" for kind, n in missed.activity)
            notes.append(f"fit passes, nothing fired; their activity: {did}")
        if clause.values:
            notes.append(", ".join(f"{value} {n}" for value, n in clause.values))
        rows.append((clause.clause, clause.wins, " · ".join(notes) or clause.example))
    width = max(len(label) for label, _, _ in rows)
    lines.extend(f"    {label:<{width}} {n:>5}  {note}".rstrip() for label, n, note in rows)
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _signed(value: float, digits: int = 1) -> str:
    return f"{value:+.{digits}f}"


def comparison_lines(result: Comparison, chart_width: int = 30) -> list[str]:
    """Two definitions side by side, then what adopting the second one changes."""
    a, b = result.before, result.after

    def row(label: str, left: str, right: str) -> str:
        return f"  {label:<26}{left:>22}  {right:>22}"

    left, right = a.definition, b.definition
    if left.split(" ", 1)[0] == right.split(" ", 1)[0]:  # same slug: "v1 (signed)", "v2 (draft)"
        left, right = left.split(" ", 1)[-1], right.split(" ", 1)[-1]
    lines = [
        f"Comparing {a.definition} with {b.definition}",
        "",
        row("", left[:22], right[:22]),
        row("MQLs per month", f"{a.mql_per_month:.1f}", f"{b.mql_per_month:.1f}"),
        row("leads passed", str(a.leads_passed), str(b.leads_passed)),
        row("expected acceptance", percent(a.acceptance.rate), percent(b.acceptance.rate)),
        row("MQL to opportunity", percent(a.opportunity_rate), percent(b.opportunity_rate)),
        row("MQL to closed-won", percent(a.won_rate), percent(b.won_rate)),
        row("false negatives", percent(a.false_negatives.rate), percent(b.false_negatives.rate)),
    ]
    for tier in sorted(set(a.by_tier) | set(b.by_tier)):
        lines.append(row(tier, str(a.by_tier.get(tier, 0)), str(b.by_tier.get(tier, 0))))
    lines += [
        "",
        "Adopting the second one",
        f"  {_signed(b.mql_per_month - a.mql_per_month)} MQLs per month",
        f"  gains {_count(result.gained, 'lead')} ({result.gained_accepted} accepted and "
        f"{result.gained_rejected} rejected by SDRs before, {result.gained_won} closed-won)",
        f"  loses {_count(result.lost, 'lead')} ({result.lost_accepted} accepted and "
        f"{result.lost_rejected} rejected by SDRs before, {result.lost_won} closed-won)",
    ]
    if result.lost_won:
        lines.append(
            f"  ⚠ {result.lost_won} closed-won leads would no longer be MQLs: check them "
            "before signing"
        )
    lines.append("")
    lines.extend(backtest_lines(b, chart_width))
    return lines
