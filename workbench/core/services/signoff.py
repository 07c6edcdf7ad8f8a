"""Dual sign-off: both sides, a review date, and a hash that makes later edits visible.

Two ways to sign. In the workshop, both sides type their names at once (`sign`): a record.
With SSH keys, each side signs on its own machine (`sign_as`): a proof. The first SSH
signature fixes the review date and the content hash in a `[partial_signoff]`; the draft is
then read-only, and the other side's signature over the same hash completes the sign-off.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from workbench.core.domain.clause_evidence import evidence_lines, unbacked, unbacked_words
from workbench.core.domain.definition import (
    SIDES,
    Definition,
    PartialSignOff,
    Signer,
    SignOff,
    check_principal,
)
from workbench.core.domain.errors import CheckFailed, InputError, Problem, WorkbenchError
from workbench.core.domain.lint import Finding, lint
from workbench.core.domain.suite import SuiteResult, run_suite
from workbench.core.domain.vocab import Side
from workbench.core.evidence.settings import load_source, settings_path
from workbench.core.files import git, sshsig
from workbench.core.files.folder import QuickRow
from workbench.core.files.store import (
    DefinitionFile,
    content_hash,
    load_definition,
    save,
    summarize,
)

REVIEW_AT_LEAST_DAYS = 30
"""A quarter's end closer than this is too soon for its review: the next quarter's is taken."""


def _quarter_end(today: date, ahead: int) -> date:
    """The last day of the quarter `ahead` quarters after today's (0: today's own)."""
    index = today.year * 4 + (today.month - 1) // 3 + ahead + 1  # the quarter after it
    return date(index // 4, (index % 4) * 3 + 1, 1) - timedelta(days=1)


TWO_SIGNATURES_AT_LEAST_DAYS = 60
"""The first of two separate signatures fixes the review date for both: the other side may
sign weeks later, so its quarter's end must leave them time (30 days could pass before the
second signature, which is then refused for a review date in the past)."""


def default_review_date(today: date, at_least: int = REVIEW_AT_LEAST_DAYS) -> date:
    """001's "We'll revisit this definition at the end of [quarter]" (and
    000 and 003: reviewed quarterly): the end of this quarter, or of the next one when this
    one ends within `REVIEW_AT_LEAST_DAYS`. 30 to 121 days out. It was the end of the next
    quarter, 90 to 183 days: signed on 10 January after the Q4 review, a definition came due
    on 30 June, and its Q1 review was skipped; the cycle ran every six months."""
    this = _quarter_end(today, 0)
    return this if (this - today).days >= at_least else _quarter_end(today, 1)


SignerInput = str | tuple[str, str]
"""'Name, Role' as typed on the command line, or (name, role) from a form with two fields
(so a name such as 'Reyes, Jr.' is never split at its comma)."""


def _blank(raw: SignerInput | None) -> bool:
    if raw is None:
        return True
    if isinstance(raw, tuple):
        return not (raw[0].strip() and raw[1].strip())
    return not raw.strip()


def parse_signer(raw: SignerInput | None, side: str, now: datetime) -> Signer:
    """'Name, Role' as typed in a workshop, into a Signer with a timestamp."""
    if _blank(raw):
        raise CheckFailed(
            [Problem(f"the {side} signer is missing: both sides must sign", field=side)]
        )
    assert raw is not None
    if isinstance(raw, tuple):
        return Signer(name=raw[0].strip(), role=raw[1].strip(), signed_at=now)
    if raw.count(",") > 1:
        # "Sam Reyes, Jr., VP Sales" or "Dana Reyes, VP, Marketing": which comma ends the
        # name is a guess, and a signature must not record a guess.
        raise InputError(
            [
                Problem(
                    f"{raw!r} has more than one comma: which part is the role? Give the name "
                    f"and the role separately (in the command line: the name alone, and the "
                    f"role with --{side}-role, or --role with --as)",
                    field=side,
                )
            ]
        )
    name, comma, role = raw.partition(",")
    if not comma or not name.strip() or not role.strip():
        raise InputError(
            [
                Problem(
                    f"expected 'Name, Role' (for example 'Dana Reyes, VP Marketing'), got {raw!r}",
                    field=side,
                )
            ]
        )
    return Signer(name=name.strip(), role=role.strip(), signed_at=now)


@dataclass(frozen=True, slots=True)
class SignResult:
    path: Path
    definition: Definition
    suite: SuiteResult
    file_sha256: str


def signing_blockers(source: DefinitionFile, suite: SuiteResult, today: date) -> list[Problem]:
    """Why this file cannot be signed now; empty when it can."""
    problems = []
    if source.definition.is_signed:
        problems.append(
            Problem("is already signed; a change needs a new version", file=source.path)
        )
    if suite.failed:
        names = ", ".join(r.name for r in suite.results if not r.passed)
        problems.append(
            Problem(f"{suite.failed} edge case(s) fail: {names}", file=source.path, field="cases")
        )
    if not source.definition.is_signed:
        problems += [
            Problem(
                f"{finding.rule}: {finding.message} ({finding.advice})",
                file=source.path,
                field=finding.clause,
            )
            for finding in lint_blockers(source.definition, today)
        ]
    return problems


# Shown beside the data ("The data behind the clauses", `signoff_evidence`), not twice.
_EVIDENCE_RULES = frozenset({"clause-without-evidence", "evidence-stale"})


def lint_cautions(
    definition: Definition, history: Iterable[Definition], today: date
) -> list[Finding]:
    """The lint warnings `check` will print for this draft, listed on the Sign-off step
    before anyone signs: they do not block signing (a file signed with them keeps passing
    `check`), but an SLA slower than the framework's or a fit gate that lets anyone through
    is what the room should see while it can still change it, not in CI afterwards. The
    evidence warnings are left to the step's own section on the data."""
    if definition.is_signed:
        return []
    return [
        f
        for f in lint(definition, history, today=today)
        if f.severity == "warning" and f.rule not in _EVIDENCE_RULES
    ]


def lint_blockers(definition: Definition, today: date) -> list[Finding]:
    """The lint errors that keep a draft from being signed.

    What `check` fails in CI is not signed: a definition that breaks the framework's contract
    (a demo request that must also earn points, no fit gate, a fit bar nobody clears, no
    trigger at all) would be agreed in the room and then refused by the build. The same rules,
    the same words; the sign-off step lists them before anyone presses sign."""
    return [f for f in lint(definition, today=today) if f.severity == "error"]


def sign(
    source: DefinitionFile,
    marketing: SignerInput | None,
    sales: SignerInput | None,
    review_date: date | None,
    now: datetime,
) -> SignResult:
    """Record both signers and the review date, and write the signed version in place."""
    now = _to_second(now)
    today = now.date()
    due = review_date or default_review_date(today)
    too_early = check_review_date(due, today)
    if too_early:
        raise InputError([Problem(too_early, field="review_date")])
    suite = run_suite(source.definition)
    missing = []
    for side, raw in (("marketing", marketing), ("sales", sales)):
        if _blank(raw):
            missing.append(
                Problem(f"the {side} signer is missing: both sides must sign", field=side)
            )
    blockers = signing_blockers(source, suite, today) + _awaiting_ssh(source) + missing
    if blockers:
        raise CheckFailed(blockers)
    marketing_signer = parse_signer(marketing, "marketing", now)
    sales_signer = parse_signer(sales, "sales", now)
    definition = source.definition.model_copy(deep=True)
    digest = content_hash(definition, due)
    signed = Definition.model_validate(
        {
            **definition.model_dump(),
            "status": "signed",
            "signoff": SignOff(
                review_date=due,
                content_sha256=digest,
                marketing=marketing_signer,
                sales=sales_signer,
            ),
        }
    )
    written = save(signed, source.path, source.file_sha256)
    return SignResult(path=source.path, definition=signed, suite=suite, file_sha256=written)


def _to_second(now: datetime) -> datetime:
    """Signing times are stored in UTC-aware whole seconds, the way TOML shows them."""
    now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return now.replace(microsecond=0)


def _awaiting_ssh(source: DefinitionFile) -> list[Problem]:
    """A partly SSH-signed draft is finished with the other side's key, not typed names."""
    partial = source.definition.partial_signoff
    if partial is None:
        return []
    missing = partial.missing_side
    return [
        Problem(
            f"carries the {partial.signed_side} SSH signature and waits for {missing}: "
            f"finish with `workbench sign {source.path} --as {missing} --ssh-key KEY`",
            file=source.path,
            field="partial_signoff",
        )
    ]


# --- SSH sign-off, one side at a time --------------------------------------------------


def check_side(raw: str) -> Side:
    """`--as` names the side this key signs for."""
    for side in SIDES:
        if raw == side:
            return side
    raise InputError([Problem(f"expected marketing or sales, got {raw!r}", field="--as")])


def sign_as(
    source: DefinitionFile,
    side: str,
    key: Path,
    signer: SignerInput | None,
    principal: str | None,
    review_date: date | None,
    now: datetime,
) -> SignResult:
    """Sign one side with an SSH key; the second side's signature completes the sign-off.

    `signer` is 'Name, Role' or (name, role) (default: the principal and the side); `principal` is the
    identity allowed_signers names (default: the principal its line gives this key). Where
    the definitions folder has an allowed_signers file, the new sign-off must already pass
    `workbench check`, so nothing is written that CI would reject. The signature covers the
    name, role and signing time as written (message v2), so none can be edited afterwards.
    """
    chosen = check_side(side)
    sshsig.check_key_file(key)
    now = _to_second(now)
    named = _named(signer, chosen, now)
    if principal is not None:
        _check_principal_option(principal)
    suite = run_suite(source.definition)
    blockers = signing_blockers(source, suite, now.date())
    partial = source.definition.partial_signoff
    if blockers and partial is not None:
        # Half signed by a workbench that did not refuse this: the fix is an edit, which the
        # first signature does not cover. Say so, or the second side is stuck with no way on.
        first = partial.signed_side
        blockers.append(
            Problem(
                f"fixing it changes what {first} signed: remove [partial_signoff], fix the "
                "draft, and have both sides sign again",
                file=source.path,
                field="partial_signoff",
            )
        )
    if blockers:
        raise CheckFailed(blockers)
    if partial is None:
        due = _first_review_date(review_date, now.date())
    else:
        due = _second_review_date(source, partial, chosen, review_date, now.date())
    allowed_path = sshsig.allowed_signers_path(source.path)
    allowed = sshsig.read_allowed_signers(allowed_path) if allowed_path.is_file() else None
    if principal is None and allowed is None:
        raise InputError([Problem(_NO_PRINCIPAL, field="--principal")])
    who = principal or _principal_of_key(allowed or [], key, chosen)
    name = named.name if named else who
    role = named.role if named else chosen.capitalize()
    message = sshsig.signed_message_v2(source.definition, chosen, due, name, role, now)
    armored = sshsig.sign_message(message, key, chosen)
    if principal is None and _principal_in(allowed or [], armored, chosen, key) != who:
        raise CheckFailed(
            [
                Problem(
                    "the public key next to it is not the key that signed; pass --principal",
                    file=key,
                    field="--ssh-key",
                )
            ]
        )
    new_signer = Signer(
        name=name,
        role=role,
        signed_at=now,
        principal=who,
        message_version=sshsig.CURRENT_MESSAGE_VERSION,
        ssh_signature=armored,
    )
    signed = _with_signature(source.definition, chosen, new_signer, due)
    if allowed is not None:
        problems = sshsig.verify_definition(signed, allowed_path, file=source.path)
        if problems:
            raise CheckFailed(problems)
    written = save(signed, source.path, source.file_sha256)
    return SignResult(path=source.path, definition=signed, suite=suite, file_sha256=written)


def _named(signer: SignerInput | None, side: Side, now: datetime) -> Signer | None:
    """`--name 'Name, Role'` is optional with SSH, but when given it must be well formed."""
    if signer is None:
        return None
    if _blank(signer):
        raise InputError([Problem("expected 'Name, Role', got an empty name", field="--name")])
    return parse_signer(signer, side, now)


def _check_principal_option(principal: str) -> None:
    try:
        check_principal(principal)
    except ValueError as error:
        raise InputError([Problem(str(error), field="--principal")]) from None


_NO_PRINCIPAL = (
    "no principal to sign as: pass --principal (the identity your allowed_signers line "
    "names, for example dana@acme.example), or add your key to allowed_signers"
)


def _first_review_date(review_date: date | None, today: date) -> date:
    due = review_date or default_review_date(today, TWO_SIGNATURES_AT_LEAST_DAYS)
    too_early = check_review_date(due, today)
    if too_early:
        raise InputError([Problem(too_early, field="review_date")])
    return due


def _second_review_date(
    source: DefinitionFile,
    partial: PartialSignOff,
    side: Side,
    review_date: date | None,
    today: date,
) -> date:
    """The second side signs what the first signed: same hash, same review date."""
    first = partial.signed_side
    if side == first:
        raise CheckFailed(
            [
                Problem(
                    f"{first} has already signed; {partial.missing_side} signs with "
                    f"`workbench sign {source.path} --as {partial.missing_side} --ssh-key KEY`",
                    file=source.path,
                    field=f"partial_signoff.{first}",
                )
            ]
        )
    if review_date is not None and review_date != partial.review_date:
        raise InputError(
            [
                Problem(
                    f"the {first} signature fixed the review date at "
                    f"{partial.review_date.isoformat()}; leave out --review-date",
                    field="--review-date",
                )
            ]
        )
    if source.altered:
        raise CheckFailed(
            [
                Problem(
                    f"changed since {first} signed it, so the {first} signature no longer "
                    "covers it: remove [partial_signoff] and have both sides sign again",
                    file=source.path,
                    field="partial_signoff",
                )
            ]
        )
    first_signer = getattr(partial, first)
    damaged = sshsig.integrity_problem(source.definition, partial.review_date, first, first_signer)
    if damaged:
        raise InputError([Problem(damaged, file=source.path, field=f"partial_signoff.{first}")])
    too_late = check_review_date(partial.review_date, today)
    if too_late:
        raise CheckFailed([Problem(too_late, file=source.path, field="partial_signoff")])
    return partial.review_date


def _principal_of_key(allowed: list[sshsig.AllowedSigner], key: Path, side: Side) -> str:
    """The principal allowed_signers gives this key, known before signing (it may be the name
    that is signed): from the key file if it is public, else from KEY.pub."""
    public = sshsig.public_key_of(key)
    if public is None:
        raise InputError(
            [
                Problem(
                    "no public key next to it (KEY.pub) to look its principal up in "
                    "allowed_signers; pass --principal",
                    file=key,
                    field="--ssh-key",
                )
            ]
        )
    return _listed(sshsig.principal_for_key(public, side, allowed), side, key)


def _principal_in(allowed: list[sshsig.AllowedSigner], armored: str, side: Side, key: Path) -> str:
    """The principal allowed_signers gives the key that just signed, for this side."""
    return _listed(sshsig.principal_for(sshsig.parse_signature(armored), side, allowed), side, key)


def _listed(found: str | None, side: Side, key: Path) -> str:
    """The principal allowed_signers gives the key, or the refusal that says it gives none."""
    if found is None:
        raise CheckFailed(
            [
                Problem(
                    f"allowed_signers lists no principal with this key for {side}; "
                    "ask for it to be added, or pass --principal",
                    file=key,
                    field="--ssh-key",
                )
            ]
        )
    return found


def _with_signature(definition: Definition, side: Side, signer: Signer, due: date) -> Definition:
    """The first signature opens a partial sign-off; the second completes it."""
    data = definition.model_dump()
    partial = definition.partial_signoff
    if partial is None:
        data["partial_signoff"] = PartialSignOff(
            review_date=due,
            content_sha256=content_hash(definition, due),
            **_by_side({side: signer}),
        )
    else:
        first = partial.signed_side
        data["status"] = "signed"
        data["partial_signoff"] = None
        data["signoff"] = SignOff(
            review_date=partial.review_date,
            content_sha256=partial.content_sha256,
            **_by_side({first: getattr(partial, first), side: signer}),
        )
    return Definition.model_validate(data)


def check_review_date(due: date, today: date) -> str | None:
    """Why a review date is unacceptable, or None: it must lie in the future."""
    if due <= today:
        return (
            f"the review date {due.isoformat()} is not in the future (today is {today.isoformat()})"
        )
    return None


def commit_signed(path: Path) -> str:
    """git add + commit of a signed version as it was signed, for the editor's "Commit now"
    and home's `c`: a file edited since its signing (or never signed) is refused, not
    recorded as "Sign MQL definition acme v1". Returns git's summary line."""
    loaded = load_definition(path)
    if not loaded.definition.is_signed or loaded.altered:
        raise CheckFailed(
            [
                Problem(
                    "was edited since it was signed (or is not signed); not committed: "
                    "`workbench check` says what changed",
                    file=path,
                )
            ]
        )
    definition = loaded.definition
    return git.commit(commit_paths(path), definition.slug, definition.version)


def commit_paths(path: Path) -> list[Path]:
    """What a signed version is committed with: the folder's evidence.toml and its mapping
    file, when there are, they are in the same repository and it does not ignore them.
    `check` reads them (a clause without evidence is warned about only where the folder names
    a lead history), so CI on a fresh clone must see what the room signed beside; the lead
    files themselves stay out, and so does a file the repository's .gitignore keeps out."""
    folder = path.parent.parent  # definitions/<slug>/v<N>.toml
    root = git.repo_root(path)
    paths = [path]
    evidence = settings_path(folder)
    if root is None or not evidence.is_file():
        return paths
    found = [evidence]
    try:
        source = load_source(folder)
    except WorkbenchError:
        source = None  # `check` names what is wrong with it; it is committed as it is
    mapping = source.mapping if source is not None else None
    inside = isinstance(mapping, Path) and mapping.resolve().is_relative_to(root.resolve())
    if isinstance(mapping, Path) and inside and mapping.is_file():
        found.append(Path(os.path.normpath(mapping)))  # "definitions/../crm.toml" as crm.toml
    return paths + [extra for extra in found if not git.ignored(root, extra)]


def checked_row(folder: Path, row: QuickRow, today: date) -> QuickRow:
    """Home's row after a full read of its versions: a file that will not open, a signed
    version edited since its signing (never offered for a commit: `check` names it), an open
    draft that could not be signed as it stands (`blocked`: failing edge cases, lint errors),
    or a signed version git has not recorded, which `commit_signed` can then commit even under
    a newer draft: the latest first, then any earlier one (a v3 signed from the command line
    and never committed is not hidden by a committed v4; after each `c` the row is checked
    again)."""
    state = summarize(folder, row.slug)
    if state.problem:
        return replace(row, status="UNREADABLE", problem=state.problem)
    if state.latest is not None and state.latest.altered:
        return replace(row, status="ALTERED")
    if state.draft is not None:
        row = replace(row, blocked=draft_blocked(state.draft.definition, today))
    signed = state.latest_signed
    if signed is None:
        return row
    if signed.altered:
        return replace(row, status=f"v{signed.definition.version} ALTERED")
    offered = [v for v in reversed(state.signed) if not v.altered]  # the latest first
    pending = git.uncommitted_among([v.path for v in offered])
    first = next((v for v in offered if v.path in pending), None)
    if first is not None:
        return replace(row, uncommitted=(first.definition.version, first.path))
    return row


def draft_blocked(definition: Definition, today: date) -> str | None:
    """What keeps a draft from being signed, short enough for a list ("2 edge cases fail
    (intern-demo, agency-vp); no-trigger"), or None when it could be signed as it stands."""
    suite = run_suite(definition)
    parts = []
    if suite.failed:
        names = [r.name for r in suite.results if not r.passed]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        count = "1 edge case fails" if suite.failed == 1 else f"{suite.failed} edge cases fail"
        parts.append(f"{count} ({shown})")
    rules = list(dict.fromkeys(f.rule for f in lint_blockers(definition, today)))
    if rules:
        parts.append(", ".join(rules))
    return "; ".join(parts) or None


def signoff_evidence(definition: Definition, folder: Path) -> list[str]:
    """The data behind the clauses as the Sign-off step shows it, before the room signs:
    where the folder names a lead history (`check`'s rule), the criteria without evidence,
    each of which `workbench check` then warns about, and the way to back them."""
    lead_history = settings_path(folder).is_file()
    lines = evidence_summary(definition, lead_history=lead_history)
    if lead_history and unbacked(definition):
        lines.append(
            "`workbench check` warns for each clause without evidence (signing is not "
            "refused): apply a proposal on the Evidence step's Analysis tab, or record the "
            "figure with `workbench evidence`."
        )
    return lines


def evidence_summary(definition: Definition, *, lead_history: bool = False) -> list[str]:
    """What the two sides sign about the data: each clause's evidence (stale ones say so)
    and, once the room has data to show (a lead history, or any evidence recorded), the
    fit and trigger criteria that still have none. Empty when there is nothing to say."""
    lines = evidence_lines(definition)
    missing = unbacked(definition) if lead_history or definition.evidence else []
    if missing:
        lines.append("Without evidence: " + unbacked_words(definition))
    return lines


def _by_side(signers: dict[str, Signer]) -> dict[str, Signer]:
    """The signers keyed by side name, as the models' keyword arguments (plain str keys)."""
    return signers
