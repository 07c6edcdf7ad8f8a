"""`workbench analyze`'s output as text lines, a Markdown section and an HTML section.

The written agreement carries the Markdown or HTML section: the figures behind each clause,
with the counts, so a reader can check them. Small counts are marked "(few)".
"""

from __future__ import annotations

import html

from workbench.core.evidence.analysis import (
    PATTERN_WINS,
    SMALL,
    Analysis,
    Pattern,
    Proposal,
    ValueCount,
)

SHOWN = 8  # values and patterns shown per list in text and documents


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _lift(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}x"


def _row(count: ValueCount) -> tuple[str, str, str, str, str]:
    mark = " (few)" if count.small else ""
    return (
        count.value + mark,
        f"{count.wins} ({_share(count.share_of_wins)})",
        f"{count.others} ({_share(count.share_of_others)})",
        _share(count.win_rate),
        _lift(count.lift),
    )


HEADER = ("value", "wins", "non-buyers", "win rate", "lift")


def _tables(analysis: Analysis) -> list[tuple[str, list[tuple[str, str, str, str, str]]]]:
    """Every table the report shows, titled, in order."""
    out = [
        (f"Buyer profile: {name}", [_row(c) for c in rows[:SHOWN]])
        for name, rows in analysis.profile.items()
    ]
    out.append(("First conversion action", [_row(c) for c in analysis.first_actions[:SHOWN]]))
    out.append(("The definition's MQL trigger", [_row(c) for c in analysis.draft_triggers[:SHOWN]]))
    out.append(
        ("Behaviour patterns (most lift first)", [_row(p.figures) for p in _shown(analysis)])
    )
    return out


def _shown(analysis: Analysis) -> list[Pattern]:
    return analysis.ranked_patterns[:SHOWN]


def _heading(analysis: Analysis) -> str:
    start, end = analysis.period
    return (
        f"{analysis.wins} closed-won leads and {analysis.others} non-buyers created "
        f"{start.isoformat()} to {end.isoformat()} ({analysis.source}); base win rate "
        f"{_share(analysis.base_rate)}; '(few)': under {SMALL} leads; behaviour seen in "
        f"under {PATTERN_WINS} wins is not ranked"
    )


def _days(analysis: Analysis) -> list[str]:
    out = []
    for label, spread in (
        ("lead to MQL", analysis.days_to_mql),
        ("MQL to opportunity", analysis.days_mql_to_opportunity),
    ):
        if spread.median is None:
            out.append(f"days {label} (wins): none had both dates")
        else:
            out.append(
                f"days {label} (wins): median {spread.median:.0f}, middle half "
                f"{spread.low or 0:.0f}-{spread.high or 0:.0f} ({spread.count} wins)"
            )
    return out


def analysis_lines(analysis: Analysis) -> list[str]:
    """The analysis as a terminal reads it."""
    lines = [f"Analysis of lead history for {analysis.definition}", "  " + _heading(analysis)]
    for title, rows in _tables(analysis):
        lines += ["", title]
        lines.append(
            f"  {HEADER[0]:<40} {HEADER[1]:>12} {HEADER[2]:>14} {HEADER[3]:>9} {HEADER[4]:>6}"
        )
        lines += [f"  {a:<40} {b:>12} {c:>14} {d:>9} {e:>6}" for a, b, c, d, e in rows]
    lines += ["", "Time to buy", *(f"  {line}" for line in _days(analysis))]
    lines += ["", "Proposals (apply one at a time; each keeps its evidence)"]
    if not analysis.proposals:
        lines.append("  none: the data supports no clause value")
    for proposal in analysis.proposals:
        lines.append(f"  {proposal.clause} = {proposal.value}")
        lines.append(f"    {proposal.summary}")
        lines.append(
            f"    against the definition: {proposal.against_draft}"
            if proposal.against_draft
            else "    already in the definition"
        )
    lines += ["", "Cases from your history (adopt one with the expectation the room agrees)"]
    if not analysis.cases:
        lines.append("  none: the draft and history agree")
    for case in analysis.cases:
        lines.append(f"  {case.name}: {case.why}")
    return lines


def _against(proposal: Proposal) -> str:
    if not proposal.against_draft:
        return " (already in the definition)"
    return f" (against the definition: {proposal.against_draft})"


def analysis_markdown(analysis: Analysis) -> str:
    """A Markdown section the written agreement can carry."""
    out = [f"## Analysis: {analysis.definition}", "", _heading(analysis) + "."]
    for title, rows in _tables(analysis):
        out += [
            "",
            f"### {title}",
            "",
            "| " + " | ".join(HEADER) + " |",
            "|---|---:|---:|---:|---:|",
        ]
        out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    out += ["", "### Time to buy", "", *(f"- {line}" for line in _days(analysis))]
    out += ["", "### Proposals", ""]
    out += [f"- `{p.clause}`: {p.summary}{_against(p)}" for p in analysis.proposals] or ["- none"]
    out += ["", "### Cases from history", ""]
    out += [f"- `{c.name}`: {c.why}" for c in analysis.cases] or ["- none"]
    return "\n".join(out) + "\n"


def analysis_html(analysis: Analysis) -> str:
    """An HTML section (no page around it) the written agreement can carry."""
    e = html.escape
    out = [f'<section class="analysis"><h2>Analysis: {e(analysis.definition)}</h2>']
    out.append(f"<p>{e(_heading(analysis))}.</p>")
    for title, rows in _tables(analysis):
        out.append(f"<h3>{e(title)}</h3><table><tr>")
        out.append("".join(f"<th>{e(h)}</th>" for h in HEADER) + "</tr>")
        for row in rows:
            out.append("<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>")
        out.append("</table>")
    out.append("<h3>Time to buy</h3><ul>")
    out += [f"<li>{e(line)}</li>" for line in _days(analysis)]
    out.append("</ul><h3>Proposals</h3><ul>")
    out += [
        f"<li><code>{e(p.clause)}</code>: {e(p.summary)}{e(_against(p))}</li>"
        for p in analysis.proposals
    ]
    out.append("</ul><h3>Cases from history</h3><ul>")
    out += [f"<li><code>{e(c.name)}</code>: {e(c.why)}</li>" for c in analysis.cases]
    out.append("</ul></section>")
    return "\n".join(out) + "\n"
