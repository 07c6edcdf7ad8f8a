"""The served facilitator seat comes back where it was after a reload (a new process)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input, TabbedContent

from tests.tui.pilot_steps import open_first, settle, type_text
from workbench.core.files.seat_place import Place, read_place, write_place
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.editor import EditorScreen
from workbench.tui.screens.home import HomeScreen


async def test_a_reload_opens_the_same_definition_on_the_same_step(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    # A browser reload or a dropped connection put the facilitator back on the home screen,
    # in front of the room, with the definition and the step to find again.
    path = seeded("acme", "3m-10m")
    place = workdir / "serve" / "facilitator.toml"
    place.parent.mkdir()
    async with make_app(place_file=place).run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("f3")
        await settle(pilot)
    kept = read_place(place)  # the app ended as a reload ends it: no quit, no home
    assert kept is not None and kept.step == "triggers"
    assert kept.definition == path.resolve()
    async with make_app(place_file=place).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, EditorScreen)
        assert screen.workshop.path.resolve() == path.resolve()
        assert screen.query_one("#steps", TabbedContent).active == "step-triggers"
        focused = screen.focused
        assert focused is not None and screen.query_one("#step-triggers") in focused.ancestors
        again = read_place(place)
        assert again is not None and again.step == "triggers"  # not the first step's, shown first
        await pilot.press("escape")  # home: the next start is home, as the room left it
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
    assert read_place(place) is None
    async with make_app(place_file=place).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)


async def test_the_rooms_own_quit_starts_the_next_seat_at_home(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    seeded("acme", "3m-10m")
    place = workdir / "facilitator.toml"
    async with make_app(place_file=place).run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        assert read_place(place) is not None
        await pilot.press("ctrl+q")
        await settle(pilot)
    assert read_place(place) is None


async def test_a_seat_without_a_place_file_writes_none(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    seeded("acme", "3m-10m")
    async with make_app().run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("f2")
        await settle(pilot)
    assert sorted(p.name for p in workdir.iterdir()) == ["definitions"]


async def test_the_place_wins_over_the_file_serve_was_started_on(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    # `workbench serve definitions/acme/v1.toml` starts every seat on that file; the room
    # had since gone to another definition, on its Triggers step.
    first = seeded("acme", "3m-10m")
    other = seeded("beta", "pre-1m")
    place = workdir / "facilitator.toml"
    write_place(place, Place(other, "triggers"))
    async with make_app(place_file=place, open_path=first).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, EditorScreen)
        assert screen.workshop.path.resolve() == other.resolve()
        assert screen.query_one("#steps", TabbedContent).active == "step-triggers"


async def test_a_place_that_no_longer_opens_is_forgotten(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    path = seeded("acme", "3m-10m")
    place = workdir / "facilitator.toml"
    write_place(place, Place(path, "fit"))
    path.write_text("name = [", encoding="utf-8")  # broken between two connections
    async with make_app(place_file=place).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
    assert read_place(place) is None


async def test_a_reload_keeps_the_signer_fields_typed(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    # The names and roles typed on Sign-off are no file's until the draft is signed: after a
    # reload the room was asked for them again, and then after going home and back as well.
    path = seeded("acme", "3m-10m")
    before = path.read_bytes()
    place = workdir / "facilitator.toml"
    async with make_app(place_file=place).run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_text(pilot, "Maria Lopez")
        await pilot.press("tab")
        await type_text(pilot, "VP Marketing")
        await settle(pilot)
    for leave_home_first in (False, True):
        async with make_app(place_file=place).run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            if leave_home_first:
                await open_first(pilot)
                await pilot.press("ctrl+s")
                await settle(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, EditorScreen)
            assert screen.query_one("#steps", TabbedContent).active == "step-signoff"
            assert screen.query_one("#mk-name", Input).value == "Maria Lopez"
            assert screen.query_one("#mk-role", Input).value == "VP Marketing"
            assert screen.query_one("#sl-name", Input).value == ""
            await pilot.press("escape")  # home: the place is forgotten, the names are not
            await settle(pilot)
        assert read_place(place) is None
    assert path.read_bytes() == before  # kept by the seat, not written as if signed


async def test_the_signer_fields_kept_are_forgotten_once_signed(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    # Once signed, the names are the record's: a draft made again at the same path later
    # must not come up with the last room's signers filled in.
    from workbench.core.files.seat_place import read_signers
    from workbench.tui.components.modals import ConfirmModal

    seeded("acme", "3m-10m")
    place = workdir / "facilitator.toml"
    async with make_app(place_file=place).run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        for text in ("Maria Lopez", "VP Marketing", "Sam Okafor", "Head of Sales"):
            await type_text(pilot, text)
            await pilot.press("tab")
        await settle(pilot)
        assert len(next(iter(read_signers(place).values()))) == 4  # kept while typed
        await pilot.press("ctrl+s")  # on Sign-off: sign
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmModal)  # "Signed and written: ..."
        assert read_signers(place) == {}
