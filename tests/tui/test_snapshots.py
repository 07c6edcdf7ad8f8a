"""Screenshots of every workshop step at 80x24 and 120x40 (pytest-textual-snapshot).

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the report before committing the new SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from workbench.tui.app import WorkbenchApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def steps_to(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Open the first definition, then press keys, waiting for workers between them."""

    async def run(pilot: Pilot[None]) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run


async def settled_layout(pilot: Pilot[None]) -> None:
    """Wait until the screen's scrollable sizes stop changing: fields inside a block that was
    just opened mount over several refreshes, and the scrollbar follows them."""
    previous = None
    for _ in range(50):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        sizes = [
            (w.virtual_size, w.scroll_y) for w in pilot.app.screen.query("*") if w.is_scrollable
        ]
        if sizes == previous:
            return
        previous = sizes
    raise AssertionError("the layout never settled")


@pytest.mark.parametrize("size", SIZES)
def test_home_empty_folder(
    snap_compare: Any, make_app: Callable[..., WorkbenchApp], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=steps_to())


@pytest.mark.parametrize("size", SIZES)
def test_home_with_definition(
    snap_compare: Any,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    size: tuple[int, int],
) -> None:
    seeded("acme", "3m-10m")
    assert snap_compare(make_app(), terminal_size=size, run_before=steps_to())


@pytest.mark.parametrize("size", SIZES)
def test_new_definition_dialog(
    snap_compare: Any, make_app: Callable[..., WorkbenchApp], size: tuple[int, int]
) -> None:
    assert snap_compare(
        make_app(), terminal_size=size, run_before=steps_to("n", "a", "c", "m", "e")
    )


STEPS = {
    "stage": (),
    "fit": ("ctrl+n",),
    "triggers": ("ctrl+n", "ctrl+n"),
    "sla": ("f4",),
    "cases": ("ctrl+t",),
    "case_detail": ("ctrl+t", "down", "enter"),
    "signoff": ("ctrl+s",),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("step", list(STEPS))
def test_editor_step(
    snap_compare: Any,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    step: str,
    size: tuple[int, int],
) -> None:
    seeded("acme", "3m-10m")
    assert snap_compare(make_app(), terminal_size=size, run_before=steps_to("enter", *STEPS[step]))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("stage", "key"), [("10m-30m", "f4"), ("30m-plus", "f4")], ids=["segments", "motions"]
)
def test_segments_and_motions_tabs(
    snap_compare: Any,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    stage: str,
    key: str,
    size: tuple[int, int],
) -> None:
    seeded("acme", stage)
    assert snap_compare(make_app(), terminal_size=size, run_before=steps_to("enter", key))


@pytest.mark.parametrize("size", SIZES)
def test_a_segments_own_rules_opened(
    snap_compare: Any,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    size: tuple[int, int],
) -> None:
    from textual.widgets import Collapsible

    seeded("acme", "10m-30m")

    async def open_enterprise(pilot: Pilot[None]) -> None:
        await steps_to("enter", "f4")(pilot)
        block = pilot.app.screen.query_one("#own-segments-2", Collapsible)
        block.collapsed = False
        await settled_layout(pilot)
        block.scroll_visible(top=True, animate=False)
        await settled_layout(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=open_enterprise)


@pytest.mark.parametrize("size", SIZES)
def test_a_failing_case_is_named_in_the_status_bar(
    snap_compare: Any,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    size: tuple[int, int],
) -> None:
    seeded("acme", "3m-10m")
    keys = ("enter", "ctrl+n", "end", "backspace", "backspace", "6", "0", "0", "ctrl+t")
    assert snap_compare(make_app(), terminal_size=size, run_before=steps_to(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_evidence_step(
    snap_compare: Any,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    size: tuple[int, int],
) -> None:
    """The backtest of the draft over a reproducible sample history; 'updated' is the app's
    fixed clock."""
    from workbench.core.evidence.sample import sample_data, write_sample
    from workbench.core.evidence.settings import EvidenceSource

    seeded("acme", "3m-10m")
    leads, activities = write_sample(Path("data"), *sample_data(2000, 1))
    app = make_app(evidence=EvidenceSource(leads, activities))
    assert snap_compare(app, terminal_size=size, run_before=steps_to("enter", "f6"))


def test_evidence_step_without_lead_history(
    snap_compare: Any, make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=steps_to("enter", "f6"))


@pytest.mark.parametrize("size", SIZES)
def test_analysis_tab(
    snap_compare: Any,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    size: tuple[int, int],
) -> None:
    """The Evidence step's Analysis tab over the same sample history: the draft's three
    numbers, the proposals with what each keeps and costs, the cases from history."""
    from workbench.core.evidence.sample import sample_data, write_sample
    from workbench.core.evidence.settings import EvidenceSource

    seeded("acme", "3m-10m")
    leads, activities = write_sample(Path("data"), *sample_data(2000, 1))
    app = make_app(evidence=EvidenceSource(leads, activities))
    assert snap_compare(app, terminal_size=size, run_before=steps_to("enter", "f6", "right"))
