"""Reading and writing TOML: located errors on the way in, atomic writes on the way out.

Reads use the standard library's `tomllib`; writes use `tomli-w`. A validation error is
mapped back to the line of the key that caused it, because "cases[3].lead.person.seniority"
means little to someone looking at a pull request, and "line 212" means a lot.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import tomli_w
from pydantic import BaseModel, ValidationError

from workbench.core.domain.errors import AlreadyExists, InputError, Problem
from workbench.core.domain.filekind import refuse_other_kind
from workbench.core.domain.typed_words import refusals
from workbench.core.files.tomlguard import check_shape, read_limited

M = TypeVar("M", bound=BaseModel)

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*="""
)
_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once, at import, before any thread could be writing files
_DECODE_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
# tomllib's words for a key given twice, as someone editing the file would put it.
_PLAINER = {
    "Cannot overwrite a value": "this key is given twice (or redefines one above); "
    "each key once per table",
}


def read_bytes(path: Path) -> bytes:
    """Read a file or raise a located InputError (missing, a folder, a device, too large)."""
    try:
        return read_limited(path)
    except InputError as error:
        if path.is_dir():
            raise InputError(
                [Problem("is a folder, expected a .toml file" + _in_folder(path), file=path)]
            ) from None
        raise error from None


def _in_folder(path: Path) -> str:
    """Which file was probably meant: a definition's latest version, or one from a folder."""
    from workbench.core.files.folder import slug_folders, version_files

    versions = version_files(path.parent, path.name)
    if versions:
        return f": the latest version here is {versions[-1][1]}"
    slugs = slug_folders(path)
    if slugs:
        return f", such as {version_files(path, slugs[0])[-1][1]}"
    return ""


def parse_toml(raw: bytes, path: Path) -> tuple[dict[str, Any], str]:
    """Decode and parse TOML (a leading byte order mark ignored), returning the data and the
    text (for locating errors).

    The text's nesting is checked first (`tomlguard`): too deep is refused, never parsed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            [Problem(f"not UTF-8 text (byte {error.start}); expected a TOML file", file=path)]
        ) from None
    # Windows Notepad saves UTF-8 with a byte order mark, which TOML does not allow: the file
    # was refused as "malformed TOML: Invalid statement" at line 1, column 1.
    text = text.removeprefix("\ufeff")
    check_shape(text, path)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _DECODE_POS.search(message)
        line = int(match.group(1)) if match else None
        column = int(match.group(2)) if match else None
        clean = _DECODE_POS.sub("", message).strip().rstrip(".")
        clean = _PLAINER.get(clean, clean)
        raise InputError(
            [Problem(f"malformed TOML: {clean}", file=path, line=line, column=column)]
        ) from None


def validate(model: type[M], data: dict[str, Any], text: str, path: Path) -> M:
    """Validate parsed TOML into a model, turning every pydantic error into a located Problem.

    A model that names its `FILE_KIND` gets one line instead of a dozen when the file is
    plainly another kind (a lead file given as a definition, and so on).
    """
    try:
        return model.model_validate(data)
    except ValidationError as error:
        kind = getattr(model, "FILE_KIND", None)
        if kind is not None:
            refuse_other_kind(kind, data, path)
        index = key_lines(text)
        # In the room's words, as the app says a typed value ("a whole number expected, not
        # 'two'", "at least 1, not -2"), not pydantic's "Input should be a valid integer".
        said = refusals(error.errors(include_url=False), lambda item: _explain(model, item))
        problems = [
            Problem(message, file=path, line=_line_for(index, loc), field=_dotted(loc) or None)
            for loc, message in said
        ]
        raise InputError(problems) from None


def load_model(model: type[M], path: Path) -> M:
    data, text = parse_toml(read_bytes(path), path)
    return validate(model, data, text, path)


def dumps(data: dict[str, Any]) -> str:
    return tomli_w.dumps(data)


def atomic_write(path: Path, payload: bytes, *, create: bool = False) -> None:
    """Write all or nothing: temp file in the same folder, fsync, then rename into place.

    With `create`, the final step is a hard link, which fails if the file appeared meanwhile,
    so a new version never replaces a file someone else just wrote. An OS error (the folder
    is a file, no permission, disk full) becomes a located InputError, not a traceback.
    """
    try:
        _atomic_write(path, payload, create=create)
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError([Problem(f"cannot write: {reason}", file=path)]) from None


def _atomic_write(path: Path, payload: bytes, *, create: bool) -> None:
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    temp = Path(temp_name)
    try:
        # mkstemp makes the file 0600; the result should read like any file the user writes
        # (an exported agreement is shared), or keep the mode of the file it replaces.
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if create:
            try:
                os.link(temp, path)
            except FileExistsError:
                raise AlreadyExists(
                    [Problem("already exists; nothing was written", file=path)]
                ) from None
            temp.unlink()
        else:
            os.replace(temp, path)
        _fsync_dir(folder)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_UMASK


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- locating errors -------------------------------------------------------------------


def key_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """Map each table and key path (array-of-tables indices included) to its line number."""
    index: dict[tuple[str | int, ...], int] = {}
    counts: dict[tuple[str | int, ...], int] = {}
    current: tuple[str | int, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            parts = _split_key(header.group(2))
            resolved: tuple[str | int, ...] = ()
            for part in parts[:-1]:
                resolved += (part,)
                if resolved in counts:
                    resolved += (counts[resolved] - 1,)
            resolved += (parts[-1],)
            if header.group(1) == "[[":
                counts[resolved] = counts.get(resolved, 0) + 1
                index.setdefault(resolved, number)
                resolved += (counts[resolved] - 1,)
            elif resolved in counts:
                resolved += (counts[resolved] - 1,)
            current = resolved
            index.setdefault(current, number)
            continue
        key = _KEY.match(line)
        if key:
            index.setdefault(current + tuple(_split_key(key.group(1))), number)
    return index


def _split_key(raw: str) -> list[str]:
    parts = []
    for piece in re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', raw):
        parts.append(piece[1:-1] if piece[:1] in "\"'" else piece)
    return parts


def _line_for(index: dict[tuple[str | int, ...], int], loc: tuple[Any, ...]) -> int | None:
    for size in range(len(loc), 0, -1):
        found = index.get(tuple(loc[:size]))
        if found is not None:
            return found
    return None


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _explain(model: type[BaseModel], item: Any) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, tuple(item["loc"][:-1]))
        hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        return f"unknown key{hint}"
    if kind == "missing":
        return "required, but missing"
    message = str(item["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if (
        "input" in item
        and kind not in ("model_type", "dict_type")
        and not isinstance(item["input"], dict | list)
    ):
        got = item["input"]
        message += f" (got {str(got).lower() if isinstance(got, bool) else repr(got)})"
    return message


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at `loc`, for 'did you mean' style messages."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        target = _unwrap(current)
        if not (isinstance(target, type) and issubclass(target, BaseModel)):
            return []
        field = target.model_fields.get(str(part))
        if field is None:
            return []
        current = field.annotation
    target = _unwrap(current)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return list(target.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """list[X] -> X, X | None -> X, Annotated[X, ...] -> X: the model a nested key lives in."""
    for _ in range(5):
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated or origin in (list, tuple):
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0] if len(options) == 1 else annotation
            if len(options) != 1:
                return annotation
        else:
            return annotation
    return annotation
