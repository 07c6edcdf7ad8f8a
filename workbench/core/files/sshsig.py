"""Sign-off that can be verified: SSH signatures over a definition's content hash.

A typed name is a record, not a proof. `workbench sign --as SIDE --ssh-key KEY` signs with
the SSH key people already use for git, through `ssh-keygen -Y sign`; where the definitions
folder holds an `allowed_signers` file (git's format), `verify_folder` checks every signature
with `ssh-keygen -Y verify`. OpenSSH does the cryptography; this module builds the signed
message, runs ssh-keygen, and explains a failure in words a reviewer can act on.

Each side signs in its own namespace, `mql-workbench-marketing` or `mql-workbench-sales`.
A signature made for git (namespace "git"), or for the other side, is therefore never a valid
sign-off, and an allowed_signers line says which side its principal signs for with
`namespaces="mql-workbench-marketing"`, an option ssh-keygen itself enforces:

    dana@acme.example namespaces="mql-workbench-marketing" ssh-ed25519 AAAAC3Nza...
    sam@acme.example namespaces="mql-workbench-sales" ssh-ed25519 AAAAC3Nza...

What is signed is versioned by its first line. Message v1 ("mql-workbench sign-off v1") covers
the slug, version, side, review date and content hash, but not the signer's name and role, so
a v1 signature proves the principal, not the name shown. Message v2 adds the name, role and
signing time exactly as the file shows them; a signer written with `message_version = 2` is
verified against it. Old v1 signatures keep verifying against the v1 message, and `check`
notes that they do not cover the name and role.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from workbench.core.domain.definition import SIDES, Definition, PartialSignOff, Signer, SignOff
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.vocab import Side
from workbench.core.files import store
from workbench.core.files.tomlfile import read_bytes

ALLOWED_SIGNERS = "allowed_signers"
MESSAGE_HEADER = "mql-workbench sign-off v1"
MESSAGE_HEADER_V2 = "mql-workbench sign-off v2"
CURRENT_MESSAGE_VERSION = 2
VERIFY_TIMEOUT_SECONDS = 30

_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_END = "-----END SSH SIGNATURE-----"
_MAGIC = b"SSHSIG"
_KEY_TYPE = re.compile(r"^(ssh-|ecdsa-|sk-)")
_TOKEN = re.compile(r'(?:"[^"]*"|[^\s"])+')
_OPTION = re.compile(r'([A-Za-z0-9_-]+)(?:="([^"]*)")?(?:,|$)')
_NOISE = ("Signing file", "Write signature to", "Could not verify signature.")


# --- what is signed --------------------------------------------------------------------


def namespace(side: Side) -> str:
    """The ssh-keygen namespace a side signs in; allowed_signers restricts principals by it."""
    return f"mql-workbench-{side}"


def other_side(side: Side) -> Side:
    return "sales" if side == "marketing" else "marketing"


def _content_lines(definition: Definition, side: Side, review_date: date) -> list[str]:
    return [
        f"slug={definition.slug}",
        f"version={definition.version}",
        f"side={side}",
        f"review_date={review_date.isoformat()}",
        f"sha256={store.content_hash(definition, review_date)}",
    ]


def signed_message(definition: Definition, side: Side, review_date: date) -> bytes:
    """Message v1, the bytes signatures made before v2 cover: slug, version, side, content.

    The content hash is recomputed from the definition, never copied from the file, so a
    signature verifies only while the content it was made over is still what the file says.
    Kept byte for byte: signed files are never rewritten, so their v1 signatures must verify.
    """
    lines = [MESSAGE_HEADER, *_content_lines(definition, side, review_date)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def signed_message_v2(
    definition: Definition,
    side: Side,
    review_date: date,
    name: str,
    role: str,
    signed_at: datetime,
) -> bytes:
    """Message v2: v1's lines plus the signer's name, role and signing time as displayed.

    Name and role are JSON strings, so a newline or quote in them cannot forge another line;
    the time is UTC to the second, as `sign` writes it. A renamed signer no longer verifies.
    """
    lines = [
        MESSAGE_HEADER_V2,
        *_content_lines(definition, side, review_date),
        f"name={json.dumps(name, ensure_ascii=False)}",
        f"role={json.dumps(role, ensure_ascii=False)}",
        f"signed_at={_utc(signed_at).strftime('%Y-%m-%dT%H:%M:%SZ')}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def message_for(definition: Definition, side: Side, review_date: date, signer: Signer) -> bytes:
    """The message this signer's signature was made over, by its `message_version`."""
    if signer.message_version is None:
        return signed_message(definition, side, review_date)
    return signed_message_v2(
        definition, side, review_date, signer.name, signer.role, signer.signed_at
    )


def covers_signer(signer: Signer) -> bool:
    """True when the SSH signature also covers the name, role and time shown (message v2)."""
    return signer.message_version is not None


def allowed_signers_path(definition_path: Path) -> Path:
    """`DIR/allowed_signers` for a version file at `DIR/<slug>/v<N>.toml`."""
    return definition_path.parent.parent / ALLOWED_SIGNERS


# --- the armored signature -------------------------------------------------------------


class DamagedSignature(ValueError):
    """The text is not an SSH signature ssh-keygen could read."""


@dataclass(frozen=True, slots=True)
class SignatureBlob:
    """What an SSH signature says about itself: which key made it, for which namespace."""

    key_type: str
    public_key: bytes
    namespace: str

    @property
    def key(self) -> str:
        """The key as an allowed_signers line writes it: `ssh-ed25519 AAAA...`."""
        return f"{self.key_type} {base64.b64encode(self.public_key).decode('ascii')}"

    @property
    def fingerprint(self) -> str:
        """The fingerprint `ssh-keygen -l` prints, so a person can match it to their key."""
        digest = base64.b64encode(hashlib.sha256(self.public_key).digest()).decode("ascii")
        return "SHA256:" + digest.rstrip("=")

    @property
    def is_certificate(self) -> bool:
        return self.key_type.endswith("-cert-v01@openssh.com")


class _Reader:
    """SSH wire format: big-endian uint32 lengths in front of byte strings."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, size: int) -> bytes:
        if self.at + size > len(self.data):
            raise DamagedSignature("it is truncated")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def uint32(self) -> int:
        value: int = struct.unpack(">I", self.take(4))[0]
        return value

    def string(self) -> bytes:
        return self.take(self.uint32())


def parse_signature(armored: str) -> SignatureBlob:
    """Read the public key and namespace out of `ssh-keygen -Y sign` output (PROTOCOL.sshsig)."""
    text = armored.strip()
    if not (text.startswith(_BEGIN) and text.endswith(_END)):
        raise DamagedSignature(f"it is not an armored SSH signature ({_BEGIN} ... {_END})")
    body = "".join(text[len(_BEGIN) : -len(_END)].split())
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise DamagedSignature("its base64 text is damaged") from None
    reader = _Reader(raw)
    if reader.take(len(_MAGIC)) != _MAGIC or reader.uint32() != 1:
        raise DamagedSignature("it does not start like an SSH signature (SSHSIG, version 1)")
    public_key = reader.string()
    signed_namespace = reader.string()
    try:
        key_type = _Reader(public_key).string().decode("ascii")
        return SignatureBlob(key_type, public_key, signed_namespace.decode("utf-8"))
    except UnicodeDecodeError:
        raise DamagedSignature("its key or namespace is not readable text") from None


# --- allowed_signers -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AllowedSigner:
    """One line of an allowed_signers file: `principals [options] keytype key [comment]`."""

    line: int
    principals: tuple[str, ...]
    namespaces: tuple[str, ...] | None
    key: str
    cert_authority: bool = False
    validity: bool = False

    def names(self, principal: str) -> bool:
        return _match_list(principal, self.principals)

    def permits(self, side: Side) -> bool:
        return self.namespaces is None or _match_list(namespace(side), self.namespaces)

    def vouches(self, key: str, principal: str, side: Side) -> bool:
        """This line lets `key` sign as `principal` for `side`."""
        return self.key == key and self.names(principal) and self.permits(side)

    def declared_sides(self) -> list[Side]:
        """The sides this line explicitly lets its principals sign for."""
        if self.namespaces is None:
            return []
        return [side for side in SIDES if _match_list(namespace(side), self.namespaces)]


def read_allowed_signers(path: Path) -> list[AllowedSigner]:
    """The lines we can read; ssh-keygen stays the authority on the ones we cannot."""
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            [Problem(f"not UTF-8 text (byte {error.start}); expected allowed_signers", file=path)]
        ) from None
    return parse_allowed_signers(text)


def parse_allowed_signers(text: str) -> list[AllowedSigner]:
    """The readable lines of allowed_signers text (also as committed in an older version)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = _parse_line(number, line.strip())
        if entry is not None:
            found.append(entry)
    return found


def _parse_line(number: int, line: str) -> AllowedSigner | None:
    if not line or line.startswith("#"):
        return None
    tokens = _TOKEN.findall(line)
    if len(tokens) < 3:
        return None
    principals, rest = tokens[0].strip('"'), tokens[1:]
    options: dict[str, str | None] = {}
    if not _KEY_TYPE.match(rest[0]):
        options = {m.group(1).lower(): m.group(2) for m in _OPTION.finditer(rest[0])}
        rest = rest[1:]
    if len(rest) < 2:
        return None
    spaces = options.get("namespaces")
    return AllowedSigner(
        line=number,
        principals=tuple(principals.split(",")),
        namespaces=None if spaces is None else tuple(spaces.split(",")),
        key=f"{rest[0]} {rest[1]}",
        cert_authority="cert-authority" in options,
        validity="valid-after" in options or "valid-before" in options,
    )


def _match_list(value: str, patterns: tuple[str, ...]) -> bool:
    """OpenSSH's pattern lists: `*` and `?` wildcards; a matching `!pattern` vetoes."""
    matched = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _glob(value, pattern.removeprefix("!")):
            if negated:
                return False
            matched = True
    return matched


def _glob(value: str, pattern: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value) is not None


def principal_for(blob: SignatureBlob, side: Side, allowed: list[AllowedSigner]) -> str | None:
    """The identity allowed_signers gives this key for this side, when the signer names none."""
    return principal_for_key(blob.key, side, allowed)


def principal_for_key(key: str, side: Side, allowed: list[AllowedSigner]) -> str | None:
    """As `principal_for`, from the key as allowed_signers writes it (`ssh-ed25519 AAAA...`)."""
    for entry in allowed:
        if entry.key == key and entry.permits(side):
            for principal in entry.principals:
                if not any(c in principal for c in "*?!"):
                    return principal
    return None


# --- running ssh-keygen ----------------------------------------------------------------


def ssh_keygen() -> str:
    """The ssh-keygen to run, or a message saying how to get one (never a traceback)."""
    found = shutil.which("ssh-keygen")
    if found is None:
        raise InputError(
            [
                Problem(
                    "ssh-keygen was not found: SSH signatures need OpenSSH 8.2 or later "
                    "(Debian/Ubuntu: apt-get install openssh-client)"
                )
            ]
        )
    return found


def _run(args: list[str], stdin: bytes | None, timeout: float | None) -> tuple[int, str]:
    """Run ssh-keygen; a passphrase prompt still reaches the terminal (it uses /dev/tty)."""
    try:
        done = subprocess.run(
            args,
            input=stdin,
            stdin=subprocess.DEVNULL if stdin is None else None,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise InputError([Problem(f"could not run ssh-keygen: {error}")]) from None
    return done.returncode, done.stderr.decode("utf-8", errors="replace")


def _detail(stderr: str, scratch: Path) -> str:
    """ssh-keygen's own reason, without its progress lines or our temporary paths."""
    lines = [
        line.replace(str(scratch) + "/", "").strip()
        for line in stderr.splitlines()
        if line.strip() and not line.startswith(_NOISE)
    ]
    return "; ".join(lines) or "no reason given"


def public_key_of(key: Path) -> str | None:
    """`keytype base64` of a key file: the file itself if it is a public key, else KEY.pub.

    Signing covers the signer's name, so when the name defaults to the principal, the
    principal must be known before ssh-keygen signs; None when there is no public half here.
    """
    for candidate in (key, key.with_name(key.name + ".pub")):
        try:
            words = candidate.read_text(encoding="utf-8", errors="replace").split()
        except OSError:
            continue
        if len(words) >= 2 and _KEY_TYPE.match(words[0]):
            return f"{words[0]} {words[1]}"
    return None


def check_key_file(key: Path) -> None:
    """Refuse a key path that is not a file before anything runs or prompts."""
    if not key.is_file():
        raise InputError([Problem("no such SSH key file", file=key, field="--ssh-key")])


def sign_message(message: bytes, key: Path, side: Side) -> str:
    """Sign with `ssh-keygen -Y sign` and return the armored signature text.

    The message goes through a file, not stdin, so ssh-keygen can still ask for a key's
    passphrase on the terminal. `key` may also be a public key whose private half is in
    ssh-agent, as with git.
    """
    check_key_file(key)
    program = ssh_keygen()
    with tempfile.TemporaryDirectory(prefix="workbench-sign-") as scratch:
        message_file = Path(scratch) / "message"
        message_file.write_bytes(message)
        args = [program, "-Y", "sign", "-f", str(key), "-n", namespace(side), str(message_file)]
        code, stderr = _run(args, None, None)
        signature_file = Path(scratch) / "message.sig"
        if code != 0 or not signature_file.is_file():
            reason = _detail(stderr, Path(scratch))
            raise InputError(
                [
                    Problem(
                        f"ssh-keygen could not sign with it: {reason}", file=key, field="--ssh-key"
                    )
                ]
            )
        return signature_file.read_text(encoding="ascii")


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """One side's SSH signature and everything needed to verify it."""

    definition: Definition
    review_date: date
    signed_sha256: str
    side: Side
    signer: Signer
    allowed_path: Path
    allowed: list[AllowedSigner]

    @property
    def principal(self) -> str:
        assert self.signer.principal is not None
        return self.signer.principal


def _ssh_verify(check: SignatureCheck) -> tuple[bool, str]:
    """`ssh-keygen -Y verify` with the signed message on stdin; (accepted, its reason)."""
    assert check.signer.ssh_signature is not None
    program = ssh_keygen()
    armored = check.signer.ssh_signature.strip() + "\n"
    with tempfile.TemporaryDirectory(prefix="workbench-verify-") as scratch:
        signature_file = Path(scratch) / "signature"
        signature_file.write_text(armored, encoding="ascii", errors="replace")
        args = [program, "-Y", "verify", "-f", str(check.allowed_path), "-I", check.principal]
        args += ["-n", namespace(check.side), "-s", str(signature_file)]
        if any(entry.validity for entry in check.allowed):
            args.append(f"-Overify-time={_stamp(check.signer.signed_at)}")
        message = message_for(check.definition, check.side, check.review_date, check.signer)
        code, stderr = _run(args, message, VERIFY_TIMEOUT_SECONDS)
        return code == 0, _detail(stderr, Path(scratch))


def integrity_problem(
    definition: Definition, review_date: date, side: Side, signer: Signer
) -> str | None:
    """Why a signature is not intact over this content, or None; no allowed_signers needed.

    `ssh-keygen -Y check-novalidate` checks the signature against the key embedded in it:
    it proves nothing about who signed, but it does catch a damaged or transplanted one.
    """
    assert signer.ssh_signature is not None
    try:
        parse_signature(signer.ssh_signature)
    except DamagedSignature as error:
        return f"the {side} signature is damaged: {error}"
    program = ssh_keygen()
    with tempfile.TemporaryDirectory(prefix="workbench-check-") as scratch:
        signature_file = Path(scratch) / "signature"
        signature_file.write_text(
            signer.ssh_signature.strip() + "\n", encoding="ascii", errors="replace"
        )
        args = [program, "-Y", "check-novalidate", "-n", namespace(side), "-s", str(signature_file)]
        message = message_for(definition, side, review_date, signer)
        code, stderr = _run(args, message, VERIFY_TIMEOUT_SECONDS)
        if code == 0:
            return None
        return f"the {side} signature does not check out: {_detail(stderr, Path(scratch))}"


def _utc(moment: datetime) -> datetime:
    """A TOML local date-time (no offset) is read as UTC, as `sign` writes UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC)


def _stamp(moment: datetime) -> str:
    """valid-after/valid-before are judged at signing time, as git does with commit time."""
    return _utc(moment).strftime("%Y%m%d%H%M%SZ")


# --- explaining a verdict --------------------------------------------------------------


def signature_problem(check: SignatureCheck) -> str | None:
    """Why this side's SSH signature is not a proof of this content, or None when it is."""
    assert check.signer.ssh_signature is not None
    try:
        blob = parse_signature(check.signer.ssh_signature)
    except DamagedSignature as error:
        return f"the {check.side} signature is damaged: {error}"
    wrong = _namespace_problem(check, blob)
    if wrong is not None:
        return wrong
    accepted, detail = _ssh_verify(check)
    if accepted:
        return _undeclared_side(check, blob)
    return _why_rejected(check, blob, detail)


def _namespace_problem(check: SignatureCheck, blob: SignatureBlob) -> str | None:
    if blob.namespace == namespace(check.side):
        return None
    if blob.namespace == namespace(other_side(check.side)):
        return (
            f"{check.principal}'s signature was made to sign for {other_side(check.side)}, "
            f"not {check.side}"
        )
    return (
        f"the {check.side} signature was made for namespace {blob.namespace!r}, not "
        f"{namespace(check.side)!r}: it is not a {check.side} sign-off of this definition"
    )


def _why_rejected(check: SignatureCheck, blob: SignatureBlob, detail: str) -> str:
    """ssh-keygen only says 'Could not verify'; say who, which key, or what changed."""
    keyed = [e for e in check.allowed if e.key == blob.key]
    named = [e for e in keyed if e.names(check.principal)]
    if not blob.is_certificate and not keyed:
        return f"{check.principal} signed with key {blob.fingerprint}, which allowed_signers does not list"
    if not blob.is_certificate and not named:
        owners = ", ".join(sorted({p for e in keyed for p in e.principals}))
        return f"key {blob.fingerprint} is listed in allowed_signers for {owners}, not for {check.principal}"
    if named and not any(e.permits(check.side) for e in named):
        sides = sorted({s for e in named for s in e.declared_sides()})
        lines = ", ".join(str(e.line) for e in named)
        may = f"for {' and '.join(sides)} only" if sides else "for neither side"
        return (
            f"{check.principal} may sign {may} (allowed_signers line {lines}), not for {check.side}"
        )
    current = store.content_hash(check.definition, check.review_date)
    if current != check.signed_sha256:
        return (
            f"does not verify: the definition changed since {check.principal} signed it "
            f"(content sha256 now {current[:12]}…, signed {check.signed_sha256[:12]}…)"
        )
    if covers_signer(check.signer):
        return (
            f"{check.principal}'s signature does not verify over this content and the "
            f"signer shown ({check.signer.name}, {check.signer.role}, signed "
            f"{_utc(check.signer.signed_at):%Y-%m-%d %H:%M:%S} UTC): the name, role or "
            f"signing time was edited after signing, or the signature is damaged or was "
            f"made over other content (ssh-keygen: {detail})"
        )
    return (
        f"{check.principal}'s signature does not verify over this content: it is damaged "
        f"or was made over other content (ssh-keygen: {detail})"
    )


def _undeclared_side(check: SignatureCheck, blob: SignatureBlob) -> str | None:
    """A line without namespaces= lets its principal sign for either side: say so."""
    if blob.is_certificate:
        return None
    named = [e for e in check.allowed if e.key == blob.key and e.names(check.principal)]
    if any(check.side in e.declared_sides() for e in named) or not named:
        return None
    return (
        f"allowed_signers line {named[0].line} lists {check.principal} without "
        f'namespaces="{namespace(check.side)}", so it does not say which side '
        f"{check.principal} signs for"
    )


# --- definitions and folders -----------------------------------------------------------


def verify_definition(
    definition: Definition,
    allowed_signers_path: Path,
    *,
    file: Path | None = None,
    require_ssh: bool = True,
) -> list[Problem]:
    """Every reason this definition's sign-off is not proven by allowed_signers.

    With `require_ssh`, a side signed by typed name only is a problem too: once a folder has
    an allowed_signers file, a typed name in force is a record the file cannot check.
    """
    allowed = read_allowed_signers(allowed_signers_path)
    return _verify(definition, allowed_signers_path, allowed, file, require_ssh)


def _verify(
    definition: Definition,
    allowed_path: Path,
    allowed: list[AllowedSigner],
    file: Path | None,
    require_ssh: bool,
) -> list[Problem]:
    record: SignOff | PartialSignOff | None = definition.sign_record
    if record is None:
        return []
    table = "signoff" if definition.signoff is not None else "partial_signoff"
    problems = []
    for side, signer in record.signers():
        where = f"{table}.{side}"
        if signer is None:
            continue
        if not signer.proven:
            if require_ssh:
                problems.append(Problem(_typed_only(side, signer), file=file, field=where))
            continue
        check = SignatureCheck(
            definition,
            record.review_date,
            record.content_sha256,
            side,
            signer,
            allowed_path,
            allowed,
        )
        reason = signature_problem(check)
        if reason is not None:
            problems.append(Problem(reason, file=file, field=f"{where}.ssh_signature"))
    return problems


def _typed_only(side: Side, signer: Signer) -> str:
    return (
        f"{side} signed by typed name only ({signer.name}); allowed_signers requires an SSH "
        f"signature: sign a new version with `workbench sign --as {side} --ssh-key KEY`"
    )


def verify_folder(folder: Path) -> list[Problem]:
    """Verify every SSH signature under `folder`, if `folder/allowed_signers` exists.

    Every SSH signature in every version file is verified. Typed-name sides are reported only
    on each slug's version in force (its latest signed one): older versions were signed before
    the folder asked for proofs, and a signed file is never rewritten, so they stay records.
    Files that do not load are left to the caller's parse check. Raises InputError when
    ssh-keygen is missing or allowed_signers is unreadable.
    """
    allowed_path = folder / ALLOWED_SIGNERS
    if not allowed_path.is_file():
        return []
    allowed = read_allowed_signers(allowed_path)
    problems: list[Problem] = []
    for slug in store.slugs(folder):
        loaded = _loadable(folder, slug)
        in_force = next((f for f in reversed(loaded) if f.definition.is_signed), None)
        for item in loaded:
            problems += _verify(
                item.definition, allowed_path, allowed, item.path, require_ssh=item is in_force
            )
    return problems


def signature_notes(folder: Path) -> list[Problem]:
    """SSH signatures made before message v2: they prove the principal, not the name shown.

    Not an error, even under `check --strict`: such a signature still proves who signed which
    content, a signed file is never rewritten, and in git a later edit of the name is caught
    by the history check. Runs no ssh-keygen.
    """
    problems: list[Problem] = []
    for slug in store.slugs(folder):
        for item in _loadable(folder, slug):
            record = item.definition.sign_record
            if record is None:
                continue
            table = "signoff" if item.definition.signoff is not None else "partial_signoff"
            for side, signer in record.signers():
                if signer is None or not signer.proven or covers_signer(signer):
                    continue
                problems.append(
                    Problem(
                        f"the {side} SSH signature was made before signatures covered the "
                        f"signer: it proves that {signer.principal} signed this content, not "
                        f"the name and role shown ({signer.name}, {signer.role})",
                        file=item.path,
                        field=f"{table}.{side}",
                    )
                )
    return problems


def _loadable(folder: Path, slug: str) -> list[store.DefinitionFile]:
    found = []
    for _number, path in store.versions(folder, slug):
        try:
            found.append(store.load_definition(path))
        except InputError:
            continue
    return found
