"""Commands for one definition: stages, new, show, test, evaluate, sign, and the app.

Exit codes: 0 success, 1 a check failed (a suite case, a refused sign-off), 2 bad input or
usage. Errors are one located message on stderr, never a traceback. Textual is imported only
by `open`, so `workbench --help` stays fast.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workbench.cli._app import (
    ActivitiesOption,
    DirOption,
    JsonOption,
    LeadsOption,
    MappingOption,
    app,
    echo,
    err,
    friendly,
    warn_altered,
)
from workbench.core.domain import clock
from workbench.core.domain.days import read_day
from workbench.core.domain.definition import Signer
from workbench.core.domain.describe import summary
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.stages import STAGES
from workbench.core.domain.suite import SuiteResult, run_suite
from workbench.core.domain.vocab import STAGE_IDS
from workbench.core.files import git, store
from workbench.core.files.target import Target, default_folder, resolve
from workbench.core.services.signoff import (
    SignerInput,
    SignResult,
    check_side,
    commit_paths,
    sign_as,
)
from workbench.core.services.signoff import sign as sign_definition
from workbench.core.services.versions import start_definition

if TYPE_CHECKING:
    from workbench.core.evidence.settings import EvidenceSource


def _warn_altered(loaded: store.DefinitionFile) -> None:
    if loaded.altered:
        warn_altered(loaded.path)


@app.callback(invoke_without_command=True)
@friendly
def root(
    ctx: typer.Context,
    leads: LeadsOption = None,
    activities: ActivitiesOption = None,
    mapping: MappingOption = None,
) -> None:
    """With no command, open the workshop on ./definitions (with --leads/--activities: and
    that lead history in its Evidence step)."""
    if ctx.invoked_subcommand is None:
        target = resolve(None)
        open_app(target, _evidence(target.folder, leads, activities, mapping))
    else:
        flags = (("--leads", leads), ("--activities", activities), ("--mapping", mapping))
        given = next((flag for flag, value in flags if value is not None), None)
        if given is None:
            return
        name = ctx.invoked_subcommand
        command = getattr(ctx.command, "commands", {}).get(name)
        takes = command is not None and any(given in p.opts for p in command.params)
        where = (
            f"put it after the command (workbench {name} ... {given} F)"
            if takes
            else f"workbench {name} takes no {given}"
        )
        raise InputError(
            [
                Problem(
                    f"before a command, the lead history only goes with the app; {where}",
                    field=given,
                )
            ]
        )


@app.command("open")
@friendly
def open_cmd(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="Definitions folder, a definition's folder or a version file to open at once. "
            "Default: ./definitions, or . inside it.",
            metavar="[DIR|PATH]",
            show_default=False,
        ),
    ] = None,
    leads: LeadsOption = None,
    activities: ActivitiesOption = None,
    mapping: MappingOption = None,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow",
            help="Read-only, showing each definition as it changes on disk (what the other "
            "seats of `workbench serve` get).",
        ),
    ] = False,
    place: Annotated[
        Path | None,
        typer.Option(
            "--place",
            hidden=True,  # `workbench serve` passes it to the facilitator's seat
            help="Keep the definition and step open in this file, and open there on start.",
        ),
    ] = None,
) -> None:
    """Open the workshop app on a definitions folder (or straight into one definition)."""
    target = resolve(folder)
    open_app(
        target, _evidence(target.folder, leads, activities, mapping), follow=follow, place=place
    )


def _evidence(
    folder: Path, leads: Path | None, activities: Path | None, mapping: str | None
) -> EvidenceSource | None:
    """Both files, or evidence.toml read with another mapping; the files themselves are read
    (and any problem with them shown) in the app's Evidence step."""
    if leads is None and activities is None and mapping is None:
        return None
    from workbench.core.evidence.settings import choose_source

    return choose_source(folder, leads, activities, mapping)


def open_app(
    target: Target,
    evidence: EvidenceSource | None = None,
    *,
    follow: bool = False,
    place: Path | None = None,
) -> None:
    from workbench.tui.app import run_app

    run_app(target.folder, evidence, target.definition_file(), follow=follow, place_file=place)


@app.command()
def stages() -> None:
    """List the five company stages with their approach and typical monthly volume."""
    for stage in STAGES.values():
        echo(f"{stage.id:<9} {stage.label:<13} {stage.volume:<15} {stage.approach}")


@app.command()
@friendly
def new(
    slug: Annotated[str, typer.Argument(help="Short id, e.g. acme-inbound.")],
    stage: Annotated[str, typer.Option("--stage", "-s", help=f"One of {', '.join(STAGE_IDS)}.")],
    folder: DirOption = None,
    name: Annotated[str | None, typer.Option(help="Human-readable name.")] = None,
) -> None:
    """Start a v1 draft from the stage's template, edge cases included."""
    if stage not in STAGES:
        raise InputError(
            [
                Problem(
                    f"unknown stage {stage!r}; expected one of {', '.join(STAGE_IDS)}",
                    field="--stage",
                )
            ]
        )
    where = folder if folder is not None else default_folder()
    store.version_path(where, slug, 1)  # validates the slug before anything else
    path = start_definition(where, slug, stage, clock.today(), name)
    suite = run_suite(store.load_definition(path).definition)
    echo(
        f"created {path} ({STAGES[stage].label}, {suite.passed}/{len(suite.results)} edge cases passing)"
    )


@app.command()
@friendly
def show(
    path: Annotated[Path, typer.Argument(help="A definition file.")],
    as_json: JsonOption = False,
) -> None:
    """Print a definition in plain sentences (or as JSON)."""
    loaded = store.load_definition(path)
    suite = run_suite(loaded.definition)
    if as_json:
        # The definition's own keys, then what the text shows below them: the suite's status
        # and the file's integrity (draft, intact, altered). `export --format json` is the
        # model alone.
        payload = loaded.definition.model_dump(mode="json")
        payload["integrity"] = loaded.integrity
        payload["suite"] = suite.to_dict()
        echo(json.dumps(payload, indent=2))
    else:
        for heading, lines in summary(loaded.definition):
            echo(heading)
            for line in lines:
                echo(f"  {line}")
        echo(f"Edge cases: {suite.passed}/{len(suite.results)} passing")
        if loaded.integrity == "intact":
            echo("Signature hash: intact")
    _warn_altered(loaded)
    if loaded.altered:
        raise typer.Exit(1)


def _print_suite(suite: SuiteResult) -> None:
    width = max((len(r.name) for r in suite.results), default=10)
    for result in suite.results:
        wanted = result.case.expect.label()
        mark = "PASS" if result.passed else "FAIL"
        echo(
            f"{mark}  {result.name:<{width}}  expected {wanted:<32} got {result.verdict.summary()}"
        )
        if not result.passed:
            for mismatch in result.mismatches:
                echo(f"      {mismatch}")
            if result.verdict.reasons:
                echo("      because:")
            for reason in result.verdict.reasons:
                echo(f"        • {reason}")
    echo(f"{suite.passed} passed, {suite.failed} failed")


@app.command()
@friendly
def test(
    path: Annotated[Path, typer.Argument(help="A definition file.")],
    as_json: JsonOption = False,
) -> None:
    """Run the edge-case suite like a test runner; exit 1 on any failure."""
    loaded = store.load_definition(path)
    suite = run_suite(loaded.definition)
    if as_json:
        payload = suite.to_dict()
        payload["altered"] = loaded.altered
        echo(json.dumps(payload, indent=2))
    else:
        _print_suite(suite)
    _warn_altered(loaded)
    if suite.failed or loaded.altered:
        raise typer.Exit(1)


@app.command("evaluate")
@friendly
def evaluate_cmd(
    path: Annotated[Path, typer.Argument(help="A definition file.")],
    lead: Annotated[Path, typer.Option("--lead", "-l", help="A lead TOML file.")],
    as_json: JsonOption = False,
) -> None:
    """Evaluate one lead against a definition and explain the verdict."""
    from workbench.core.services.lead_input import read_lead

    loaded = store.load_definition(path)
    read, notes = read_lead(lead)
    for note in notes:
        err(f"note: {note}")
    verdict = evaluate(loaded.definition, read, clock.now())
    if as_json:
        echo(json.dumps(verdict.to_dict(), indent=2))
    else:
        echo(verdict.summary())
        deadline = verdict.respond_within()
        if deadline is not None:
            echo(f"respond within {deadline}")
        if verdict.fit_score is not None:
            echo(f"fit score {verdict.fit_score}")
        if verdict.reasons:
            echo("because:")  # each reason is a sentence of its own, capital first
        for reason in verdict.reasons:
            echo(f"  • {reason}")
    _warn_altered(loaded)
    if loaded.altered:
        raise typer.Exit(1)  # as `show` and `test`: the verdict is not of what was signed


def _parse_date(raw: str | None) -> date | None:
    if raw is None:
        return None
    try:
        return read_day(raw)
    except ValueError as problem:
        raise InputError([Problem(str(problem), field="--review-date")]) from None


@app.command()
@friendly
def sign(
    path: Annotated[Path, typer.Argument(help="The draft to sign.")],
    marketing: Annotated[
        str | None, typer.Option("--marketing", help="Marketing signer as 'Name, Role'.")
    ] = None,
    sales: Annotated[
        str | None, typer.Option("--sales", help="Sales signer as 'Name, Role'.")
    ] = None,
    marketing_role: Annotated[
        str | None,
        typer.Option(
            "--marketing-role", help="The marketing signer's role; --marketing is then the name."
        ),
    ] = None,
    sales_role: Annotated[
        str | None,
        typer.Option("--sales-role", help="The sales signer's role; --sales is then the name."),
    ] = None,
    review_date: Annotated[
        str | None,
        typer.Option(
            "--review-date",
            help="YYYY-MM-DD; default: end of this quarter (of the next within 30 days).",
        ),
    ] = None,
    side: Annotated[
        str | None,
        typer.Option("--as", help="Sign one side with an SSH key: marketing or sales."),
    ] = None,
    ssh_key: Annotated[
        Path | None,
        typer.Option("--ssh-key", help="With --as: your SSH key (or its .pub with ssh-agent)."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="With --as: 'Name, Role'; default: the principal."),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option("--role", help="With --as and --name: the role; --name is then the name."),
    ] = None,
    principal: Annotated[
        str | None,
        typer.Option(
            "--principal", help="With --as: your allowed_signers identity; default: looked up."
        ),
    ] = None,
) -> None:
    """Record dual sign-off with a review date; refuses on a failing case, an error check fails
    on, or a missing side.

    Typed names: --marketing and --sales together. SSH: --as SIDE --ssh-key KEY, one side at a
    time, each from its own machine; the second signature completes the sign-off.
    """
    due = _parse_date(review_date)
    if side is None and ssh_key is None and name is None and principal is None and role is None:
        typed_marketing = _signer(marketing, marketing_role, "--marketing", "--marketing-role")
        typed_sales = _signer(sales, sales_role, "--sales", "--sales-role")
        loaded = store.load_definition(path)
        now = clock.now()
        _print_signed(sign_definition(loaded, typed_marketing, typed_sales, due, now))
        return
    _check_ssh_options(side, ssh_key, marketing, sales)
    if marketing_role is not None or sales_role is not None:
        raise InputError(
            [Problem("with --as, give the role with --role", field="--marketing-role")]
        )
    assert side is not None and ssh_key is not None
    loaded = store.load_definition(path)
    signer = _signer(name, role, "--name", "--role")
    result = sign_as(loaded, side, ssh_key, signer, principal, due, clock.now())
    if result.definition.is_signed:
        _print_signed(result)
    else:
        _print_partial(result)


def _signer(
    typed: str | None, role: str | None, option: str, role_option: str
) -> SignerInput | None:
    """'Name, Role' as typed, or the name and the role apart when the role is given."""
    if role is None:
        return typed
    if typed is None or not typed.strip():
        raise InputError(
            [Problem(f"a role needs its name: give {option} NAME with it", field=option)]
        )
    if not role.strip():
        raise InputError([Problem("expected a role, got an empty one", field=role_option)])
    return (typed, role)


def _check_ssh_options(
    side: str | None, ssh_key: Path | None, marketing: str | None, sales: str | None
) -> None:
    """SSH signing is one side with one key; typed names are both sides at once."""
    if marketing is not None or sales is not None:
        raise InputError(
            [
                Problem(
                    "use either --marketing and --sales (typed names, both at once) or "
                    "--as SIDE --ssh-key KEY (one side, signed with SSH), not both",
                    field="--as",
                )
            ]
        )
    if side is not None:
        check_side(side)
    if side is None or ssh_key is None:
        missing = "--as marketing|sales" if side is None else "--ssh-key KEY"
        raise InputError(
            [Problem(f"signing with SSH needs --as SIDE and --ssh-key KEY: add {missing}")]
        )


def _signer_line(signer: Signer) -> str:
    proof = f" (SSH: {signer.principal})" if signer.principal else ""
    return f"{signer.name}, {signer.role}{proof}"


def _print_signed(result: SignResult) -> None:
    signoff = result.definition.signoff
    assert signoff is not None
    echo(f"signed {result.path}")
    echo(f"  marketing: {_signer_line(signoff.marketing)}")
    echo(f"  sales:     {_signer_line(signoff.sales)}")
    echo(f"  review by: {signoff.review_date.isoformat()}")
    echo(f"  sha256:    {signoff.content_sha256}")
    open_questions = [q for q in result.definition.questions if not q.resolved]
    if open_questions:
        n = len(open_questions)
        echo(
            f"  note: {n} open question{'' if n == 1 else 's'} {'was' if n == 1 else 'were'} signed as open"
        )
    _print_next(result)


def _print_partial(result: SignResult) -> None:
    partial = result.definition.partial_signoff
    assert partial is not None
    first = partial.signed_side
    signer = getattr(partial, first)
    echo(f"signed the {first} side of {result.path}; it stays a draft, read-only")
    echo(f"  {first + ':':<10} {_signer_line(signer)}")
    echo(f"  review by: {partial.review_date.isoformat()}")
    echo(f"  sha256:    {partial.content_sha256}")
    other = partial.missing_side
    echo(f"  waiting for {other}: workbench sign {result.path} --as {other} --ssh-key KEY")
    _print_next(result)


def _print_next(result: SignResult) -> None:
    paths = commit_paths(result.path)
    lines = git.commit_lines(paths, result.definition.slug, result.definition.version)
    echo("next: " + " && ".join(lines))
