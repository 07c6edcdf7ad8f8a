"""The served facilitator seat's place: kept for the next process, forgotten on the way home."""

from __future__ import annotations

from pathlib import Path

from workbench.core.files.seat_place import Place, read_place, read_signers, write_place


def test_a_place_written_is_read_back_with_its_file_made_absolute(tmp_path: Path) -> None:
    definition = tmp_path / "definitions" / "acme" / "v1.toml"
    definition.parent.mkdir(parents=True)
    definition.write_text("", encoding="utf-8")
    file = tmp_path / "serve" / "facilitator.toml"
    assert not write_place(file, Place(definition, "triggers")), "its folder is serve's to make"
    file.parent.mkdir()
    assert write_place(file, Place(definition, "triggers"))
    assert read_place(file) == Place(definition.resolve(), "triggers")
    assert write_place(file, Place(definition, "cases"))  # the latest step wins
    assert read_place(file) == Place(definition.resolve(), "cases")


def test_no_place_when_forgotten_missing_unreadable_or_its_definition_is_gone(
    tmp_path: Path,
) -> None:
    definition = tmp_path / "v1.toml"
    definition.write_text("", encoding="utf-8")
    file = tmp_path / "facilitator.toml"
    assert read_place(file) is None
    write_place(file, Place(definition, "fit"))
    assert write_place(file, None) and not file.exists()
    assert write_place(file, None)  # forgetting twice is no error
    file.write_text("definition = [", encoding="utf-8")
    assert read_place(file) is None
    file.write_text('definition = 3\nstep = "fit"\n', encoding="utf-8")
    assert read_place(file) is None
    write_place(file, Place(definition, "fit"))
    definition.unlink()  # signed and removed, or renamed, between two processes
    assert read_place(file) is None


def test_a_place_that_cannot_be_written_is_false_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    assert not write_place(blocker / "facilitator.toml", Place(tmp_path / "v1.toml", "fit"))


def test_no_temporary_file_is_left_beside_the_place(tmp_path: Path) -> None:
    definition = tmp_path / "v1.toml"
    definition.write_text("", encoding="utf-8")
    for step in ("stage", "fit", "triggers"):
        write_place(tmp_path / "facilitator.toml", Place(definition, step))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facilitator.toml", "v1.toml"]


def test_signers_typed_are_kept_with_the_place_and_without_it(tmp_path: Path) -> None:
    # Names typed on a draft's Sign-off step belong to no file until it is signed: a reload
    # had the room say them again.
    definition = tmp_path / "acme" / "v2.toml"
    definition.parent.mkdir()
    definition.write_text("", encoding="utf-8")
    file = tmp_path / "facilitator.toml"
    typed = {definition: {"mk-name": "Dana Reyes", "mk-role": "VP Marketing", "sl-name": ""}}
    assert write_place(file, Place(definition, "signoff"), typed)
    assert read_place(file) == Place(definition.resolve(), "signoff")
    assert read_signers(file) == {definition.resolve(): typed[definition]}
    assert write_place(file, None, typed)  # home: no place, the names still kept
    assert read_place(file) is None
    assert read_signers(file) == {definition.resolve(): typed[definition]}
    assert write_place(file, None, {definition: {"mk-name": ""}})  # all erased: nothing kept
    assert not file.exists()
    assert read_signers(file) == {}
    file.write_text('[signers]\n"/x/v1.toml" = 3\n"/x/v2.toml" = { mk-name = 4 }\n', "utf-8")
    assert read_signers(file) == {Path("/x/v2.toml"): {}}
