"""How a CSV file is written: its encoding and the character between its cells.

Exports come as CRMs and spreadsheets write them: UTF-8 with or without a byte-order mark,
Windows-1252 (Salesforce reports, Excel on Windows), Latin-1, Mac Roman (Excel for Mac's
"CSV (Macintosh)"), UTF-16 (Excel's "Unicode text"); commas, or semicolons where the decimal mark is a comma, or tabs. Both are found from
the file's first MiB (cheap on any size), unless the mapping names them.

DuckDB reads UTF-8 itself (a byte-order mark included). Any other encoding is transcoded to a
temporary UTF-8 file first, streaming (a few MiB in memory): the line breaks stay where they
were, so lines are numbered as in the original file.
"""

from __future__ import annotations

import codecs
import os
import re
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
    stray: bool = False  # UTF-8 with a few bytes that are not: each read as Windows-1252

    @property
    def utf8(self) -> bool:
        """Whether DuckDB reads the file itself (UTF-8 throughout)."""
        return self.encoding == "utf-8" and not self.stray

    @property
    def plain(self) -> bool:
        """UTF-8 without a byte-order mark, commas: what needs no mention."""
        return self.utf8 and not self.bom and self.delimiter in (None, ",")

    def describe(self) -> str:
        """The encoding and delimiter in the summary's words."""
        encoding = self.encoding + (" with a byte-order mark" if self.bom else "")
        encoding += " (the mapping's)" if self.encoding_given else " (detected)"
        if self.stray:
            encoding += ", its bytes that are not UTF-8 as windows-1252"
        if self.delimiter is None:
            return f"read as {encoding}"
        given = "the mapping's" if self.delimiter_given else "detected"
        return f"read as {encoding}, {delimiter_name(self.delimiter)} between cells ({given})"


def _canonical(name: str) -> str:
    found = codecs.lookup(name).name
    return {"cp1252": "windows-1252", "iso8859-1": "latin-1", "mac-roman": "mac-roman"}.get(
        found, found
    )


# A byte past ASCII right after a letter: a letter of a word ("Sénior", "Müller").
_IN_A_WORD = re.compile(rb"[A-Za-z]([\x80-\xff])")


# Bytes that are letters in Mac Roman (ë í ì î ï ñ ó ò ô) and, in Windows-1252, the
# punctuation English text puts after a letter (’ ” – — ™ •): "O’Brien" and "Acme™" are as
# much Windows-1252 as "Señora" is Mac Roman. They decide only for a file whose lines end in
# CR alone, as Excel for Mac's "CSV (Macintosh)" writes them.
_EITHER = frozenset(range(0x91, 0x9A))


def mac_roman_letters(data: bytes) -> bool:
    """Whether `data`, neither UTF-8 nor plain ASCII, is Mac Roman (Excel for Mac's "CSV
    (Macintosh)", old Mac tools) rather than Windows-1252: more of its bytes inside words read
    as small letters in Mac Roman than in Windows-1252. Mac Roman's é, ü, ö, á are bytes
    Windows-1252 reads as Ž, Ÿ, š, ‡ (61 "SŽnior" titles, read without a word); Windows-1252's
    é, ü, ñ are bytes Mac Roman reads as È, ¸, Ò. A tie stays Windows-1252, and the bytes the
    two share between letters and punctuation count only where lines end in CR alone."""
    mac_lines = b"\r" in data and b"\n" not in data
    mac = windows = 0
    for found in _IN_A_WORD.finditer(data):
        byte = found.group(1)
        if byte[0] in _EITHER and not mac_lines:
            continue
        mac += byte.decode("mac-roman").islower()
        windows += byte.decode("cp1252", errors="replace").islower()
    return mac > windows


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
    any other is Mac Roman where its words read as such (`mac_roman_letters`), else
    Windows-1252 (a superset of Latin-1's letters), or Latin-1 where it has a byte
    Windows-1252 does not define."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE)
    bom = head.startswith(codecs.BOM_UTF8)
    stray = False
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
            if mostly_utf8(*utf8_evidence(head)):
                name, stray = "utf-8", True
            elif mac_roman_letters(head):
                name = "mac-roman"
            else:
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
    return CsvFormat(name, bom, found, encoding is not None, delimiter is not None, stray)


UTF8_LETTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


_HIGH = re.compile(rb"[\x80-\xff]")


def utf8_evidence(data: bytes) -> tuple[int, int]:
    """(letters written as UTF-8 writes them, bytes UTF-8 cannot read) in `data`."""
    found = UTF8_LETTER.findall(data)
    return len(found), len(_HIGH.findall(data)) - sum(len(letter) for letter in found)


def mostly_utf8(letters: int, stray: int) -> bool:
    """A UTF-8 file with a few stray bytes (a Windows-1252 dash pasted into one cell), not a
    Windows-1252 file: more letters written as UTF-8 writes them than bytes it cannot read.
    A Windows-1252 file's accents are single bytes, seldom followed by what makes them a
    UTF-8 letter ("É®" is one); a tie is Windows-1252. Read as Windows-1252, every "José" of
    a UTF-8 file read "JosÃ©"."""
    return letters > stray


def file_utf8_evidence(path: Path) -> tuple[int, int]:
    """`utf8_evidence` over the whole file, a chunk at a time."""
    letters = stray = 0
    with path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(_CHUNK):
            data = tail + chunk
            cut = len(data) - 3  # a letter cut by the chunk's end is counted with the next
            while cut > 0 and 0x80 <= data[cut] < 0xC0:
                cut -= 1
            cut = max(cut, 0)
            found, bad = utf8_evidence(data[:cut])
            letters, stray, tail = letters + found, stray + bad, data[cut:]
        found, bad = utf8_evidence(tail)
    return letters + found, stray + bad


def _as_windows_1252(error: UnicodeError) -> tuple[str, int]:
    """A decoding error handler: each byte UTF-8 cannot read, as Windows-1252 reads it
    (Latin-1 where Windows-1252 leaves the byte undefined)."""
    assert isinstance(error, UnicodeDecodeError)
    byte = error.object[error.start : error.start + 1]
    try:
        return byte.decode("cp1252"), error.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), error.start + 1


codecs.register_error("workbench-windows-1252", _as_windows_1252)


def stray_decode(data: bytes) -> str:
    """UTF-8 with each byte it cannot read taken as Windows-1252."""
    return data.decode("utf-8", errors="workbench-windows-1252")


_SEP_LINE = re.compile(rb"(?:\xef\xbb\xbf)?sep=([^\r\n])(?:\r\n|\r|\n)", re.IGNORECASE)


def excel_sep_line(path: Path) -> str | None:
    """The delimiter a first line such as `sep=;` names (Excel writes and reads it), or None."""
    with path.open("rb") as handle:
        found = _SEP_LINE.match(handle.read(16))
    return found.group(1).decode("latin-1") if found else None


_BREAK = re.compile(rb"(\r\n|\r|\n)")


def _line_end(data: bytes) -> int:
    """Where `data` can be cut after a whole line: after its last LF, else after its last CR
    that is not its last byte (the LF of a CRLF may follow); 0 when there is none."""
    at = data.rfind(b"\n")
    if at >= 0:
        return at + 1
    at = data.rfind(b"\r", 0, len(data) - 1)
    return at + 1 if at >= 0 else 0


def transcode_stray(path: Path, into: Path) -> list[int]:
    """Write a UTF-8 file with stray bytes as UTF-8 into `into`, each stray byte as Windows-1252
    reads it (`stray_decode`); the numbers of the lines that had one (physical lines from 1, a
    CRLF, a CR or an LF ending one, as the loader numbers them). A chunk at a time, cut after a
    whole line; only a chunk with a stray byte is looked at line by line."""
    lines: list[int] = []
    before = 0  # line breaks before the pending data
    pending = b""
    with path.open("rb") as source, into.open("w", encoding="utf-8", newline="") as target:
        while True:
            chunk = source.read(_CHUNK)
            data = pending + chunk
            cut = _line_end(data) if chunk else len(data)
            if not cut:
                if not chunk:
                    break
                pending = data
                continue
            block, pending = data[:cut], data[cut:]
            try:
                target.write(block.decode("utf-8"))
                before += len(_BREAK.findall(block))
            except UnicodeDecodeError:
                parts = _BREAK.split(block)  # line, break, line, break, ..., rest
                for index in range(0, len(parts), 2):
                    try:
                        parts[index].decode("utf-8")
                    except UnicodeDecodeError:
                        lines.append(before + index // 2 + 1)
                before += len(parts) // 2
                target.write(stray_decode(block))
            if not chunk:
                break
    return lines


def transcode(path: Path, encoding: str, into: Path) -> None:
    """Write the file as UTF-8 into `into`, a chunk at a time; a byte the encoding does not
    define becomes U+FFFD (the cell then reads as what it is, not as an error per line)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with path.open("rb") as source, into.open("w", encoding="utf-8", newline="") as target:
        while chunk := source.read(_CHUNK):
            target.write(decoder.decode(chunk))
        target.write(decoder.decode(b"", final=True))


@contextmanager
def utf8_copy(path: Path, form: CsvFormat, stray_lines: list[int]) -> Iterator[Path]:
    """The file DuckDB reads: `path` itself when it is UTF-8, else a temporary UTF-8 copy
    (removed afterwards). `stray_lines` gets the lines a stray byte was read in (`stray`)."""
    if form.utf8:
        yield path
        return
    handle, name = tempfile.mkstemp(prefix="workbench-", suffix=".csv")
    os.close(handle)
    copy = Path(name)
    try:
        if form.stray:
            stray_lines.extend(transcode_stray(path, copy))
        else:
            transcode(path, form.encoding, copy)
        yield copy
    finally:
        copy.unlink(missing_ok=True)
