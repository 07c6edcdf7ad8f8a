"""How a CSV file is written: its encoding and the character between its cells.

Exports come as CRMs and spreadsheets write them: UTF-8 with or without a byte-order mark,
Windows-1252 (Salesforce reports, Excel on Windows), Latin-1, UTF-16 (Excel's "Unicode
text"); commas, or semicolons where the decimal mark is a comma, or tabs. Both are found from
the file's first MiB (cheap on any size), unless the mapping names them.

DuckDB reads UTF-8 itself (a byte-order mark included). Any other encoding is transcoded to a
temporary UTF-8 file first, streaming (a few MiB in memory): the line breaks stay where they
were, so lines are numbered as in the original file.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SAMPLE = 1 << 20  # bytes read to detect the encoding and the delimiter
_CHUNK = 1 << 24  # bytes transcoded at a time
DELIMITERS = (",", ";", "\t", "|")
_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
ENCODING_EXAMPLES = "utf-8, windows-1252, latin-1, utf-16"


def encoding_problem(name: object) -> str | None:
    """Why a mapping's `encoding` cannot be used, or None."""
    if not isinstance(name, str) or not name.strip():
        return f"expected the name of an encoding, such as {ENCODING_EXAMPLES}"
    try:
        info = codecs.lookup(name)
    except LookupError:
        return f"unknown encoding {name!r}; expected one such as {ENCODING_EXAMPLES}"
    if not getattr(info, "_is_text_encoding", True):
        return f"{name!r} is not a text encoding; expected one such as {ENCODING_EXAMPLES}"
    return None


def delimiter_problem(value: object) -> str | None:
    """Why a mapping's `delimiter` cannot be used, or None."""
    if (
        not isinstance(value, str)
        or len(value) != 1
        or value in "\"'\r\n"
        or value.isalnum()
        or value == " "
    ):
        return 'expected one character between cells, such as ",", ";", "\\t" (a tab) or "|"'
    return None


def delimiter_name(delimiter: str) -> str:
    return _NAMES.get(delimiter, repr(delimiter))


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """How a CSV file is read: `encoding` (a Python codec name, canonical), `bom`, and
    `delimiter` (None: DuckDB's sniffer decides), each with whether it was detected."""

    encoding: str = "utf-8"
    bom: bool = False
    delimiter: str | None = None
    encoding_given: bool = False
    delimiter_given: bool = False

    @property
    def utf8(self) -> bool:
        return self.encoding == "utf-8"

    @property
    def plain(self) -> bool:
        """UTF-8 without a byte-order mark, commas: what needs no mention."""
        return self.utf8 and not self.bom and self.delimiter in (None, ",")

    def describe(self) -> str:
        """The encoding and delimiter in the summary's words."""
        encoding = self.encoding + (" with a byte-order mark" if self.bom else "")
        encoding += " (the mapping's)" if self.encoding_given else " (detected)"
        if self.delimiter is None:
            return f"read as {encoding}"
        given = "the mapping's" if self.delimiter_given else "detected"
        return f"read as {encoding}, {delimiter_name(self.delimiter)} between cells ({given})"


def _canonical(name: str) -> str:
    found = codecs.lookup(name).name
    return {"cp1252": "windows-1252", "iso8859-1": "latin-1"}.get(found, found)


def _header_delimiter(text: str) -> str | None:
    """The candidate that splits the first line (outside quotes) into the most cells."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else None


def detect(path: Path, encoding: str | None = None, delimiter: str | None = None) -> CsvFormat:
    """The file's encoding and delimiter: the given ones, else found from its first MiB.

    Encoding: a byte-order mark says UTF-8 or UTF-16; a sample that is valid UTF-8 is UTF-8;
    any other is Windows-1252 (a superset of Latin-1's letters), or Latin-1 where it has a
    byte Windows-1252 does not define."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE)
    bom = head.startswith(codecs.BOM_UTF8)
    if encoding is not None:
        name = _canonical(encoding)
        bom = bom and name in ("utf-8", "utf-8-sig")
        name = "utf-8" if name == "utf-8-sig" else name
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        name = "utf-16"
    elif bom:
        name = "utf-8"
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            name = "utf-8"
        except UnicodeDecodeError:
            try:
                head.decode("cp1252")
                name = "windows-1252"
            except UnicodeDecodeError:
                name = "latin-1"
    if delimiter is None:
        sample = head[3:] if bom else head
        text = codecs.getincrementaldecoder(name)(errors="replace").decode(sample, final=False)
        found = _header_delimiter(text)
    else:
        found = delimiter
    return CsvFormat(name, bom, found, encoding is not None, delimiter is not None)


def transcode(path: Path, encoding: str, into: Path) -> None:
    """Write the file as UTF-8 into `into`, a chunk at a time; a byte the encoding does not
    define becomes U+FFFD (the cell then reads as what it is, not as an error per line)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with path.open("rb") as source, into.open("w", encoding="utf-8", newline="") as target:
        while chunk := source.read(_CHUNK):
            target.write(decoder.decode(chunk))
        target.write(decoder.decode(b"", final=True))


@contextmanager
def utf8_copy(path: Path, form: CsvFormat) -> Iterator[Path]:
    """The file DuckDB reads: `path` itself when it is UTF-8, else a temporary UTF-8 copy
    (removed afterwards)."""
    if form.utf8:
        yield path
        return
    handle, name = tempfile.mkstemp(prefix="workbench-", suffix=".csv")
    os.close(handle)
    copy = Path(name)
    try:
        transcode(path, form.encoding, copy)
        yield copy
    finally:
        copy.unlink(missing_ok=True)
