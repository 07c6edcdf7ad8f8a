"""SSH sign-off: each side signs with its own key; allowed_signers says who signs for which side.

Keys are throwaway ed25519 keys made with ssh-keygen in a temporary folder; ssh-keygen itself
signs and verifies, so these tests exercise the real OpenSSH behaviour, not a stand-in.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from workbench.core.domain.definition import Definition, PartialSignOff, Signer
from workbench.core.domain.errors import CheckFailed, InputError, SignedVersionError
from workbench.core.domain.templates import from_template
from workbench.core.files import sshsig, store
from workbench.core.services.check import check_folder
from workbench.core.services.signoff import SignResult, default_review_date, sign, sign_as
from workbench.core.services.workshop import Workshop

pytestmark = pytest.mark.skipif(
    shutil.which("ssh-keygen") is None,
    reason="ssh-keygen (OpenSSH) is not installed; SSH sign-off needs it to sign and verify",
)

NOW = datetime(2025, 2, 10, 15, 30, 12, tzinfo=UTC)
MARKETING = "Dana Reyes, VP Marketing"
SALES = "Sam Okafor, VP Sales"


@dataclass(frozen=True)
class Person:
    principal: str
    key: Path

    @property
    def public(self) -> str:
        """`keytype base64` as an allowed_signers line writes it."""
        key_type, blob, *_comment = Path(f"{self.key}.pub").read_text().split()
        return f"{key_type} {blob}"


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Person]:
    folder = tmp_path_factory.mktemp("keys")
    found = {}
    for name in ("dana", "sam", "eve"):
        principal = f"{name}@acme.example"
        key = folder / name
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", principal, "-f", str(key)],
            check=True,
        )
        found[name] = Person(principal, key)
    return found


@pytest.fixture
def dana(people: dict[str, Person]) -> Person:
    return people["dana"]


@pytest.fixture
def sam(people: dict[str, Person]) -> Person:
    return people["sam"]


@pytest.fixture
def eve(people: dict[str, Person]) -> Person:
    return people["eve"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "definitions"


@pytest.fixture
def draft(folder: Path) -> Path:
    return store.create(from_template("acme", "3m-10m", date(2025, 1, 6)), folder)


def allow(folder: Path, *entries: tuple[Person, str | None]) -> Path:
    """Write allowed_signers: each person with the side(s) they sign for (None: undeclared)."""
    lines = []
    for person, sides in entries:
        option = ""
        if sides is not None:
            spaces = ",".join(f"mql-workbench-{s}" for s in sides.split(","))
            option = f' namespaces="{spaces}"'
        lines.append(f"{person.principal}{option} {person.public}\n")
    path = folder / "allowed_signers"
    path.write_text("# who signs for which side\n" + "".join(lines))
    return path


def both_allowed(folder: Path, dana: Person, sam: Person) -> Path:
    return allow(folder, (dana, "marketing"), (sam, "sales"))


def sign_side(
    path: Path, side: str, person: Person, principal: str | None = "", now: datetime = NOW
) -> SignResult:
    """Sign one side; `principal=""` means the person's own, None means look it up."""
    who = person.principal if principal == "" else principal
    return sign_as(store.load_definition(path), side, person.key, None, who, None, now)


def fully_signed(path: Path, dana: Person, sam: Person) -> Path:
    sign_side(path, "marketing", dana)
    sign_side(path, "sales", sam, now=NOW + timedelta(days=1))
    return path


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def flip_signature_byte(path: Path, side: str) -> None:
    """Change one base64 character inside the signature bytes (not the key, not padding)."""
    definition = store.load_definition(path).definition
    record = definition.sign_record
    assert record is not None
    signer = getattr(record, side)
    armored = signer.ssh_signature
    lines = armored.strip().splitlines()
    body = lines[-2]
    at = len(body) // 2
    flipped = body[:at] + ("A" if body[at] != "A" else "B") + body[at + 1 :]
    damaged = "\n".join([*lines[:-2], flipped, lines[-1]]) + "\n"
    escaped = armored.replace("\n", "\\n")
    replace_in(path, escaped, damaged.replace("\n", "\\n"))


def problems_for(folder: Path) -> list[tuple[str | None, str]]:
    return [(p.field, p.message) for p in sshsig.verify_folder(folder)]


# --- signing, one side at a time -------------------------------------------------------


def test_marketing_then_sales_completes_the_signoff(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    first = sign_side(draft, "marketing", dana)
    loaded = store.load_definition(draft)
    assert loaded.definition.status == "draft"
    assert loaded.integrity == "intact"
    partial = loaded.definition.partial_signoff
    assert partial is not None and partial.sales is None and partial.marketing is not None
    # Signed on 10 February: March's end is 49 days off, too soon for a second signature
    # weeks later; the first signature fixes June's end for both.
    assert partial.review_date == default_review_date(NOW.date(), 60) == date(2025, 6, 30)
    assert partial.marketing.principal == dana.principal
    assert first.file_sha256 == loaded.file_sha256

    sign_side(draft, "sales", sam, now=NOW + timedelta(days=2))
    signed = store.load_definition(draft)
    assert signed.definition.status == "signed"
    assert signed.definition.partial_signoff is None
    assert signed.integrity == "intact"
    signoff = signed.definition.signoff
    assert signoff is not None
    assert signoff.content_sha256 == partial.content_sha256
    assert signoff.review_date == partial.review_date
    assert signoff.marketing == partial.marketing
    assert (signoff.sales.principal, signoff.sales.signed_at) == (
        sam.principal,
        NOW + timedelta(days=2),
    )
    assert signoff.sales.ssh_signature is not None
    blob = sshsig.parse_signature(signoff.sales.ssh_signature)
    assert blob.namespace == "mql-workbench-sales"
    assert blob.key == sam.public

    both_allowed(folder, dana, sam)
    assert sshsig.verify_folder(folder) == []


def test_sales_may_sign_first(folder: Path, draft: Path, dana: Person, sam: Person) -> None:
    sign_side(draft, "sales", sam)
    assert store.load_definition(draft).definition.status == "draft"
    sign_side(draft, "marketing", dana)
    both_allowed(folder, dana, sam)
    assert store.load_definition(draft).definition.is_signed
    assert sshsig.verify_folder(folder) == []


def test_the_signed_message_binds_slug_version_side_and_content(draft: Path) -> None:
    definition = store.load_definition(draft).definition
    due = date(2025, 6, 30)
    message = sshsig.signed_message(definition, "marketing", due).decode()
    assert message == (
        "mql-workbench sign-off v1\n"
        "slug=acme\n"
        "version=1\n"
        "side=marketing\n"
        "review_date=2025-06-30\n"
        f"sha256={store.content_hash(definition, due)}\n"
    )
    assert sshsig.signed_message(definition, "sales", due) != message.encode()


def test_the_principal_is_looked_up_in_allowed_signers(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    both_allowed(folder, dana, sam)
    result = sign_side(draft, "marketing", dana, principal=None)
    partial = result.definition.partial_signoff
    assert partial is not None and partial.marketing is not None
    assert partial.marketing.principal == dana.principal
    assert (partial.marketing.name, partial.marketing.role) == (dana.principal, "Marketing")


def test_a_named_signer_keeps_name_and_role(draft: Path, dana: Person) -> None:
    loaded = store.load_definition(draft)
    result = sign_as(loaded, "marketing", dana.key, MARKETING, dana.principal, None, NOW)
    partial = result.definition.partial_signoff
    assert partial is not None and partial.marketing is not None
    assert (partial.marketing.name, partial.marketing.role) == ("Dana Reyes", "VP Marketing")


def test_without_allowed_signers_a_principal_must_be_given(draft: Path, dana: Person) -> None:
    before = draft.read_bytes()
    with pytest.raises(InputError, match="--principal"):
        sign_side(draft, "marketing", dana, principal=None)
    assert draft.read_bytes() == before


def test_an_unlisted_key_is_refused_when_signing(
    folder: Path, draft: Path, dana: Person, sam: Person, eve: Person
) -> None:
    both_allowed(folder, dana, sam)
    before = draft.read_bytes()
    with pytest.raises(CheckFailed, match="does not list"):
        sign_side(draft, "marketing", eve)
    with pytest.raises(CheckFailed, match="no principal with this key"):
        sign_side(draft, "marketing", eve, principal=None)
    assert draft.read_bytes() == before


def test_signing_for_the_other_side_is_refused(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    both_allowed(folder, dana, sam)
    before = draft.read_bytes()
    with pytest.raises(CheckFailed, match="may sign for marketing only"):
        sign_side(draft, "sales", dana)
    assert draft.read_bytes() == before


def test_the_second_side_signs_the_same_content(draft: Path, dana: Person, sam: Person) -> None:
    sign_side(draft, "marketing", dana)
    replace_in(draft, "min_employees = 50", "min_employees = 60")
    before = draft.read_bytes()
    assert store.load_definition(draft).integrity == "altered"
    with pytest.raises(CheckFailed, match="changed since marketing signed it"):
        sign_side(draft, "sales", sam)
    assert draft.read_bytes() == before


def test_the_second_side_keeps_the_review_date(draft: Path, dana: Person, sam: Person) -> None:
    sign_side(draft, "marketing", dana)
    before = draft.read_bytes()
    loaded = store.load_definition(draft)
    later = date(2026, 1, 31)
    with pytest.raises(InputError, match="fixed the review date"):
        sign_as(loaded, "sales", sam.key, None, sam.principal, later, NOW)
    assert draft.read_bytes() == before


def test_one_side_cannot_sign_twice(draft: Path, dana: Person) -> None:
    sign_side(draft, "marketing", dana)
    before = draft.read_bytes()
    with pytest.raises(CheckFailed, match="marketing has already signed; sales signs with"):
        sign_side(draft, "marketing", dana)
    assert draft.read_bytes() == before


def test_a_damaged_first_signature_stops_the_second(draft: Path, dana: Person, sam: Person) -> None:
    sign_side(draft, "marketing", dana)
    flip_signature_byte(draft, "marketing")
    before = draft.read_bytes()
    with pytest.raises(InputError, match="marketing signature does not check out"):
        sign_side(draft, "sales", sam)
    assert draft.read_bytes() == before


def test_a_signed_file_is_not_signed_again(draft: Path, dana: Person, sam: Person) -> None:
    fully_signed(draft, dana, sam)
    with pytest.raises(CheckFailed, match="already signed"):
        sign_side(draft, "sales", sam)


@pytest.mark.parametrize("side", ["legal", "Marketing", ""])
def test_an_unknown_side_is_bad_input(draft: Path, dana: Person, side: str) -> None:
    with pytest.raises(InputError, match="expected marketing or sales") as caught:
        sign_side(draft, side, dana)
    assert caught.value.exit_code == 2


def test_a_missing_key_file_is_bad_input(draft: Path, tmp_path: Path) -> None:
    loaded = store.load_definition(draft)
    with pytest.raises(InputError, match="no such SSH key file"):
        sign_as(loaded, "marketing", tmp_path / "nope", None, "x@y", None, NOW)


def test_a_file_that_is_not_a_key_is_bad_input(draft: Path) -> None:
    loaded = store.load_definition(draft)
    with pytest.raises(InputError, match="ssh-keygen could not sign with it"):
        sign_as(loaded, "marketing", draft, None, "x@y", None, NOW)


def test_missing_ssh_keygen_is_a_clear_error(
    folder: Path, draft: Path, dana: Person, sam: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    fully_signed(draft, dana, sam)
    both_allowed(folder, dana, sam)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(InputError, match="ssh-keygen was not found"):
        sshsig.verify_folder(folder)
    other = store.create(from_template("other", "3m-10m", date(2025, 1, 6)), folder)
    with pytest.raises(InputError, match="apt-get install openssh-client"):
        sign_side(other, "marketing", dana)


# --- a partly signed draft is read-only ------------------------------------------------


def test_store_refuses_to_edit_a_partly_signed_draft(draft: Path, dana: Person) -> None:
    sign_side(draft, "marketing", dana)
    loaded = store.load_definition(draft)
    before = draft.read_bytes()
    edited = loaded.definition.model_copy(deep=True)
    edited.fit.min_employees = 75
    with pytest.raises(SignedVersionError, match="partly signed"):
        store.save(edited, draft, loaded.file_sha256)
    assert draft.read_bytes() == before


def test_withdrawing_the_partial_signoff_makes_it_editable_again(draft: Path, dana: Person) -> None:
    sign_side(draft, "marketing", dana)
    loaded = store.load_definition(draft)
    withdrawn = loaded.definition.model_copy(update={"partial_signoff": None})
    withdrawn.fit.min_employees = 75
    store.save(withdrawn, draft, loaded.file_sha256)
    assert store.load_definition(draft).integrity == "draft"


def test_the_workshop_treats_a_partly_signed_draft_as_read_only(draft: Path, dana: Person) -> None:
    sign_side(draft, "marketing", dana)
    before = draft.read_bytes()
    workshop = Workshop.open(draft)
    assert workshop.read_only
    result = workshop.apply("fit.min_employees", 75)
    assert not result.ok
    assert "workbench sign --as sales" in result.errors[0]
    with pytest.raises(CheckFailed, match="--as sales --ssh-key KEY"):
        workshop.sign(MARKETING, SALES, None, NOW)
    assert not workshop.save()
    assert draft.read_bytes() == before


def test_typed_names_cannot_finish_an_ssh_signoff(draft: Path, dana: Person) -> None:
    sign_side(draft, "marketing", dana)
    before = draft.read_bytes()
    with pytest.raises(CheckFailed, match="waits for sales"):
        sign(store.load_definition(draft), MARKETING, SALES, None, NOW)
    assert draft.read_bytes() == before


# --- the model -------------------------------------------------------------------------


def _ssh_signer(draft: Path, dana: Person) -> Signer:
    result = sign_side(draft, "marketing", dana)
    partial = result.definition.partial_signoff
    assert partial is not None and partial.marketing is not None
    return partial.marketing


def test_a_partial_signoff_holds_exactly_one_ssh_side(draft: Path, dana: Person) -> None:
    signer = _ssh_signer(draft, dana)
    base = {"review_date": date(2025, 6, 30), "content_sha256": "0" * 64}
    with pytest.raises(ValueError, match="exactly one side"):
        PartialSignOff(**base, marketing=signer, sales=signer)
    with pytest.raises(ValueError, match="exactly one side"):
        PartialSignOff(**base)
    typed = Signer(name="Dana", role="VP", signed_at=NOW)
    with pytest.raises(ValueError, match="is an SSH signature"):
        PartialSignOff(**base, marketing=typed)


def test_principal_and_signature_come_together() -> None:
    with pytest.raises(ValueError, match="both or neither"):
        Signer(name="Dana", role="VP", signed_at=NOW, principal="dana@acme.example")
    with pytest.raises(ValueError, match="one identity"):
        Signer(name="Dana", role="VP", signed_at=NOW, principal="dana acme", ssh_signature="x")


def test_a_signed_definition_carries_no_partial_signoff(draft: Path, dana: Person) -> None:
    partial = sign_side(draft, "marketing", dana).definition
    data = partial.model_dump()
    data["status"] = "signed"
    with pytest.raises(ValueError, match="needs a \\[signoff\\] table"):
        Definition.model_validate(data)


def test_the_content_hash_ignores_the_partial_signoff(draft: Path, dana: Person) -> None:
    before = store.load_definition(draft).definition
    after = sign_side(draft, "marketing", dana).definition
    due = date(2025, 6, 30)
    assert store.content_hash(before, due) == store.content_hash(after, due)


# --- verification ----------------------------------------------------------------------


def test_no_allowed_signers_means_nothing_to_verify(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    fully_signed(draft, dana, sam)
    assert sshsig.verify_folder(folder) == []


def test_a_damaged_signature_does_not_verify(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    fully_signed(draft, dana, sam)
    both_allowed(folder, dana, sam)
    flip_signature_byte(draft, "sales")
    [(field, message)] = problems_for(folder)
    assert field == "signoff.sales.ssh_signature"
    assert "does not verify over this content" in message


def test_a_mangled_armor_is_reported_as_damaged(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    fully_signed(draft, dana, sam)
    both_allowed(folder, dana, sam)
    replace_in(draft, "-----END SSH SIGNATURE-----", "-----END SSH SIGNAT")
    [(field, message)] = problems_for(folder)
    assert field == "signoff.marketing.ssh_signature"
    assert message.startswith("the marketing signature is damaged: it is not an armored")


def test_content_changed_after_signing_is_reported_for_both_sides(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    fully_signed(draft, dana, sam)
    both_allowed(folder, dana, sam)
    replace_in(draft, "min_employees = 50", "min_employees = 5")
    found = problems_for(folder)
    assert [f for f, _m in found] == [
        "signoff.marketing.ssh_signature",
        "signoff.sales.ssh_signature",
    ]
    assert all("changed since" in m for _f, m in found)


def test_a_rehashed_forgery_does_not_verify(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    """Changing the content and updating the stored hash still breaks the signatures."""
    fully_signed(draft, dana, sam)
    both_allowed(folder, dana, sam)
    old = store.load_definition(draft).definition
    assert old.signoff is not None
    replace_in(draft, "min_employees = 50", "min_employees = 5")
    forged = store.load_definition(draft).definition
    new_hash = store.content_hash(forged, old.signoff.review_date)
    replace_in(draft, old.signoff.content_sha256, new_hash)
    assert store.load_definition(draft).integrity == "intact"
    found = problems_for(folder)
    assert len(found) == 2
    assert all("does not verify over this content" in m for _f, m in found)


def test_a_key_not_listed_is_reported(
    folder: Path, draft: Path, dana: Person, sam: Person, eve: Person
) -> None:
    sign_side(draft, "marketing", dana)
    sign_side(draft, "sales", eve)
    both_allowed(folder, dana, sam)
    [(field, message)] = problems_for(folder)
    assert field == "signoff.sales.ssh_signature"
    assert message.startswith("eve@acme.example signed with key SHA256:")
    assert "which allowed_signers does not list" in message


def test_a_key_listed_for_someone_else_is_reported(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    sign_side(draft, "marketing", dana)
    sign_side(draft, "sales", sam, principal="boss@acme.example")
    both_allowed(folder, dana, sam)
    [(_field, message)] = problems_for(folder)
    assert "is listed in allowed_signers for sam@acme.example, not for boss@acme.example" in (
        message
    )


def test_a_marketing_key_signing_as_sales_is_reported(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    sign_side(draft, "marketing", dana)
    sign_side(draft, "sales", dana)
    both_allowed(folder, dana, sam)
    [(field, message)] = problems_for(folder)
    assert field == "signoff.sales.ssh_signature"
    assert message.startswith("dana@acme.example may sign for marketing only")
    assert message.endswith("not for sales")


def test_a_marketing_signature_copied_to_sales_is_reported(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    fully_signed(draft, dana, sam)
    allow(folder, (dana, "marketing,sales"), (sam, "sales"))
    signoff = store.load_definition(draft).definition.signoff
    assert signoff is not None and signoff.marketing.ssh_signature is not None
    assert signoff.sales.ssh_signature is not None
    replace_in(draft, f'principal = "{sam.principal}"', f'principal = "{dana.principal}"')
    replace_in(
        draft,
        signoff.sales.ssh_signature.replace("\n", "\\n"),
        signoff.marketing.ssh_signature.replace("\n", "\\n"),
    )
    [(field, message)] = problems_for(folder)
    assert field == "signoff.sales.ssh_signature"
    assert "was made to sign for marketing, not sales" in message


def test_a_git_signature_is_not_a_signoff(
    folder: Path, draft: Path, dana: Person, sam: Person, tmp_path: Path
) -> None:
    fully_signed(draft, dana, sam)
    both_allowed(folder, dana, sam)
    definition = store.load_definition(draft).definition
    assert definition.signoff is not None
    message = tmp_path / "message"
    message.write_bytes(sshsig.signed_message(definition, "sales", definition.signoff.review_date))
    subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-f", str(sam.key), "-n", "git", str(message)],
        check=True,
        capture_output=True,
    )
    git_signature = (tmp_path / "message.sig").read_text()
    assert definition.signoff.sales.ssh_signature is not None
    replace_in(
        draft,
        definition.signoff.sales.ssh_signature.replace("\n", "\\n"),
        git_signature.replace("\n", "\\n"),
    )
    [(_field, message_text)] = problems_for(folder)
    assert "made for namespace 'git'" in message_text


def test_a_principal_without_a_declared_side_is_reported(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    fully_signed(draft, dana, sam)
    allow(folder, (dana, "marketing"), (sam, None))
    [(field, message)] = problems_for(folder)
    assert field == "signoff.sales.ssh_signature"
    assert "allowed_signers line 3 lists sam@acme.example without" in message


def test_a_partial_signoff_is_verified_and_its_missing_side_is_not_a_problem(
    folder: Path, draft: Path, dana: Person, sam: Person, eve: Person
) -> None:
    sign_side(draft, "marketing", eve)
    both_allowed(folder, dana, sam)
    [(field, message)] = problems_for(folder)
    assert field == "partial_signoff.marketing.ssh_signature"
    assert "does not list" in message


def test_typed_names_are_reported_on_the_version_in_force_only(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    sign(store.load_definition(draft), MARKETING, SALES, None, NOW)
    v2 = store.new_version(folder, "acme", NOW.date())
    sign(store.load_definition(v2), MARKETING, SALES, None, NOW)
    both_allowed(folder, dana, sam)
    found = sshsig.verify_folder(folder)
    assert [(p.file, p.field) for p in found] == [
        (v2, "signoff.marketing"),
        (v2, "signoff.sales"),
    ]
    assert "sales signed by typed name only (Sam Okafor)" in found[1].message
    assert "workbench sign --as sales --ssh-key KEY" in found[1].message


def test_one_typed_side_next_to_an_ssh_side_is_reported(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    fully_signed(draft, dana, sam)
    both_allowed(folder, dana, sam)
    definition = store.load_definition(draft).definition
    assert definition.signoff is not None
    found = sshsig.verify_definition(
        definition.model_copy(
            update={
                "signoff": definition.signoff.model_copy(
                    update={"sales": Signer(name="Sam", role="VP Sales", signed_at=NOW)}
                )
            }
        ),
        folder / "allowed_signers",
    )
    assert [p.field for p in found] == ["signoff.sales"]
    assert "typed name only" in found[0].message


def test_unreadable_versions_are_left_to_the_parse_check(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    fully_signed(draft, dana, sam)
    both_allowed(folder, dana, sam)
    (folder / "acme" / "v2.toml").write_text("not = [valid\n")
    assert sshsig.verify_folder(folder) == []


def test_allowed_signers_lines_are_read_like_openssh(tmp_path: Path, dana: Person) -> None:
    path = tmp_path / "allowed_signers"
    path.write_text(
        "# comment\n"
        "\n"
        f'dana@acme.example,d@acme.example namespaces="mql-workbench-*",valid-after="20240101" '
        f"{dana.public} a comment\n"
        f"*@acme.example,!eve@acme.example {dana.public}\n"
        "broken line\n"
    )
    first, second = sshsig.read_allowed_signers(path)
    assert first.line == 3 and first.principals == ("dana@acme.example", "d@acme.example")
    assert first.declared_sides() == ["marketing", "sales"] and first.validity
    assert first.key == dana.public
    assert second.namespaces is None and second.declared_sides() == []
    assert second.names("sam@acme.example") and not second.names("eve@acme.example")


# --- the command line ------------------------------------------------------------------


def test_cli_signs_each_side_with_its_own_key(
    runner: CliRunner, folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    both_allowed(folder, dana, sam)
    first = run(
        runner, "sign", draft, "--as", "marketing", "--ssh-key", dana.key, "--name", MARKETING
    )
    assert first.exit_code == 0, first.output
    assert "signed the marketing side" in first.stdout
    assert "Dana Reyes, VP Marketing (SSH: dana@acme.example)" in first.stdout
    assert f"waiting for sales: workbench sign {draft} --as sales --ssh-key KEY" in first.stdout

    second = run(runner, "sign", draft, "--as", "sales", "--ssh-key", sam.key)
    assert second.exit_code == 0, second.output
    assert second.stdout.startswith(f"signed {draft}\n")
    assert "sales:     sam@acme.example, Sales (SSH: sam@acme.example)" in second.stdout
    assert store.load_definition(draft).definition.is_signed
    assert sshsig.verify_folder(folder) == []


def test_cli_an_ssh_signer_may_give_the_role_apart(
    runner: CliRunner, folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    both_allowed(folder, dana, sam)
    named = ("--name", "Dana Reyes, PhD", "--role", "VP, Marketing")
    first = run(runner, "sign", draft, "--as", "marketing", "--ssh-key", dana.key, *named)
    assert first.exit_code == 0, first.output
    assert "Dana Reyes, PhD, VP, Marketing (SSH: dana@acme.example)" in first.stdout
    partial = store.load_definition(draft).definition.partial_signoff
    assert partial is not None and partial.marketing is not None
    assert (partial.marketing.name, partial.marketing.role) == ("Dana Reyes, PhD", "VP, Marketing")
    second = run(runner, "sign", draft, "--as", "sales", "--ssh-key", sam.key)
    assert second.exit_code == 0, second.output
    assert store.load_definition(draft).definition.is_signed
    assert sshsig.verify_folder(folder) == []


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--as", "legal", "--ssh-key", "KEY"), "expected marketing or sales, got 'legal'"),
        (("--as", "marketing"), "add --ssh-key KEY"),
        (("--ssh-key", "KEY"), "add --as marketing|sales"),
        (("--as", "sales", "--ssh-key", "KEY", "--marketing", MARKETING), "not both"),
        (("--as", "sales", "--ssh-key", "missing-key"), "no such SSH key file"),
        (("--as", "sales", "--ssh-key", "KEY", "--name", "Sam"), "expected 'Name, Role'"),
        (("--as", "sales", "--ssh-key", "KEY", "--name", " "), "got an empty name"),
        (("--as", "sales", "--ssh-key", "KEY", "--name", "S, Jr., VP"), "more than one comma"),
        (("--as", "sales", "--ssh-key", "KEY", "--role", "VP Sales"), "give --name NAME"),
        (("--as", "sales", "--ssh-key", "KEY", "--sales-role", "VP"), "give the role with --role"),
        (("--as", "sales", "--ssh-key", "KEY", "--principal", "sam okafor"), "one identity"),
        (("--as", "sales", "--ssh-key", "KEY", "--review-date", "soon"), "YYYY-MM-DD"),
    ],
)
def test_cli_bad_ssh_input_exits_2_and_writes_nothing(
    runner: CliRunner, draft: Path, sam: Person, args: tuple[str, ...], needle: str
) -> None:
    before = draft.read_bytes()
    concrete = [str(sam.key) if a == "KEY" else a for a in args]
    if "--principal" not in concrete:
        concrete += ["--principal", sam.principal]
    result = run(runner, "sign", draft, *concrete)
    one_error(result, 2, needle)
    assert draft.read_bytes() == before


def test_cli_a_damaged_first_signature_exits_2(
    runner: CliRunner, draft: Path, dana: Person, sam: Person
) -> None:
    sign_side(draft, "marketing", dana, now=datetime.now(UTC))
    flip_signature_byte(draft, "marketing")
    before = draft.read_bytes()
    result = run(runner, "sign", draft, "--as", "sales", "--ssh-key", sam.key, "--principal", "s")
    one_error(result, 2, "marketing signature does not check out")
    assert draft.read_bytes() == before


def test_cli_an_unlisted_key_exits_1(
    runner: CliRunner, folder: Path, draft: Path, dana: Person, sam: Person, eve: Person
) -> None:
    both_allowed(folder, dana, sam)
    before = draft.read_bytes()
    result = run(runner, "sign", draft, "--as", "sales", "--ssh-key", eve.key)
    one_error(result, 1, "allowed_signers lists no principal with this key for sales")
    assert draft.read_bytes() == before


def test_cli_typed_names_after_an_ssh_side_exit_1(
    runner: CliRunner, draft: Path, dana: Person
) -> None:
    sign_side(draft, "marketing", dana, now=datetime.now(UTC))
    before = draft.read_bytes()
    result = run(runner, "sign", draft, "--marketing", MARKETING, "--sales", SALES)
    one_error(result, 1, f"finish with `workbench sign {draft} --as sales --ssh-key KEY`")
    assert draft.read_bytes() == before


def test_cli_without_ssh_keygen_exits_2(
    runner: CliRunner, draft: Path, sam: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    before = draft.read_bytes()
    result = run(runner, "sign", draft, "--as", "sales", "--ssh-key", sam.key, "--principal", "s")
    one_error(result, 2, "ssh-keygen was not found")
    assert draft.read_bytes() == before


def test_cli_show_reports_a_partly_signed_draft_that_changed(
    runner: CliRunner, draft: Path, dana: Person
) -> None:
    sign_side(draft, "marketing", dana)
    assert "Signature hash: intact" in run(runner, "show", draft).stdout
    replace_in(draft, "min_employees = 50", "min_employees = 60")
    one_error(run(runner, "show", draft), 1, "altered after signing")


def test_key_validity_is_judged_at_signing_time(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    """Like git with commit time: a key retired later still vouches for what it signed."""
    sign_side(draft, "marketing", dana)
    sign_side(draft, "sales", sam, now=datetime(2025, 4, 1, tzinfo=UTC))
    (folder / "allowed_signers").write_text(
        f'{dana.principal} namespaces="mql-workbench-marketing",valid-before="20250301" '
        f"{dana.public}\n"
        f'{sam.principal} namespaces="mql-workbench-sales",valid-before="20250301" '
        f"{sam.public}\n"
    )
    [(field, message)] = problems_for(folder)
    assert field == "signoff.sales.ssh_signature"
    assert "key has expired" in message


def test_a_principal_allowed_another_namespace_signs_for_neither_side(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    fully_signed(draft, dana, sam)
    (folder / "allowed_signers").write_text(
        f'{dana.principal} namespaces="mql-workbench-marketing" {dana.public}\n'
        f'{sam.principal} namespaces="git" {sam.public}\n'
    )
    [(_field, message)] = problems_for(folder)
    assert (
        message
        == "sam@acme.example may sign for neither side (allowed_signers line 2), not for sales"
    )


# --- the signature covers the signer shown (message v2) ----------------------------------


LEGACY = Path(__file__).resolve().parent / "data" / "legacy-ssh"


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """A folder signed by an earlier workbench: message v1, no message_version."""
    folder = tmp_path / "legacy"
    shutil.copytree(LEGACY, folder)
    return folder


def test_the_v2_message_adds_the_signer_as_displayed(draft: Path) -> None:
    definition = store.load_definition(draft).definition
    due = date(2025, 6, 30)
    at = datetime(2025, 2, 10, 16, 30, 12, tzinfo=timezone(timedelta(hours=1)))
    message = sshsig.signed_message_v2(definition, "sales", due, "Sam Okafor", "VP Sales", at)
    assert message.decode() == (
        "mql-workbench sign-off v2\n"
        "slug=acme\n"
        "version=1\n"
        "side=sales\n"
        "review_date=2025-06-30\n"
        f"sha256={store.content_hash(definition, due)}\n"
        'name="Sam Okafor"\n'
        'role="VP Sales"\n'
        "signed_at=2025-02-10T15:30:12Z\n"
    )
    # A newline in a name cannot pass for another line: the two signers differ.
    forged = sshsig.signed_message_v2(definition, "sales", due, 'A"\nrole="B', "C", at)
    honest = sshsig.signed_message_v2(definition, "sales", due, "A", 'B"\nrole="C', at)
    assert forged != honest


def test_a_new_signature_is_written_as_message_v2(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    loaded = store.load_definition(draft)
    sign_as(loaded, "marketing", dana.key, MARKETING, dana.principal, None, NOW)
    sign_side(draft, "sales", sam, now=NOW + timedelta(days=1))
    signoff = store.load_definition(draft).definition.signoff
    assert signoff is not None
    assert signoff.marketing.message_version == 2 == signoff.sales.message_version
    assert draft.read_text(encoding="utf-8").count("\nmessage_version = 2\n") == 2
    both_allowed(folder, dana, sam)
    assert sshsig.verify_folder(folder) == []
    assert sshsig.signature_notes(folder) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('name = "Dana Reyes"', 'name = "Eve Mallory"'),
        ('role = "VP Marketing"', 'role = "CEO"'),
        ("2025-02-10 15:30:12+00:00", "2025-02-09 15:30:12+00:00"),
    ],
    ids=["name", "role", "signed_at"],
)
def test_a_renamed_signer_fails_outside_git(
    folder: Path, draft: Path, dana: Person, sam: Person, old: str, new: str
) -> None:
    both_allowed(folder, dana, sam)
    sign_as(store.load_definition(draft), "marketing", dana.key, MARKETING, None, None, NOW)
    sign_side(draft, "sales", sam, now=NOW + timedelta(days=1))
    assert problems_for(folder) == []
    replace_in(draft, old, new)
    assert store.load_definition(draft).integrity == "intact"  # the hash does not cover it
    [(field, message)] = problems_for(folder)
    assert field == "signoff.marketing.ssh_signature"
    assert "does not verify over this content and the signer shown" in message
    assert "the name, role or signing time was edited after signing" in message


def test_dropping_message_version_does_not_downgrade_a_signature(
    folder: Path, draft: Path, dana: Person, sam: Person
) -> None:
    fully_signed(draft, dana, sam)
    both_allowed(folder, dana, sam)
    replace_in(draft, "message_version = 2\n", "")
    [(field, message)] = problems_for(folder)
    assert field == "signoff.marketing.ssh_signature"
    assert "does not verify over this content: it is damaged" in message


def test_message_version_belongs_to_an_ssh_signature(draft: Path, dana: Person) -> None:
    with pytest.raises(ValueError, match="belongs to an SSH signature"):
        Signer(name="Dana", role="VP", signed_at=NOW, message_version=2)
    signer = _ssh_signer(draft, dana)
    with pytest.raises(ValueError, match="Input should be 2"):
        Signer.model_validate({**signer.model_dump(), "message_version": 3})


def test_without_a_public_key_next_to_it_the_principal_must_be_given(
    folder: Path, draft: Path, dana: Person, sam: Person, tmp_path: Path
) -> None:
    both_allowed(folder, dana, sam)
    bare = tmp_path / "bare-key"
    shutil.copy(dana.key, bare)
    bare.chmod(0o600)
    before = draft.read_bytes()
    loaded = store.load_definition(draft)
    with pytest.raises(InputError, match=r"no public key next to it \(KEY.pub\)"):
        sign_as(loaded, "marketing", bare, None, None, None, NOW)
    assert draft.read_bytes() == before
    sign_as(loaded, "marketing", bare, None, dana.principal, None, NOW)
    assert sshsig.verify_folder(folder) == []


def test_a_signature_from_an_earlier_workbench_keeps_its_hash_and_verifies(legacy: Path) -> None:
    path = legacy / "acme" / "v1.toml"
    loaded = store.load_definition(path)
    assert loaded.integrity == "intact"
    assert loaded.definition.signoff is not None
    assert loaded.definition.signoff.marketing.message_version is None
    assert sshsig.verify_folder(legacy) == []
    notes = sshsig.signature_notes(legacy)
    assert [(p.file, p.field) for p in notes] == [
        (path, "signoff.marketing"),
        (path, "signoff.sales"),
    ]
    assert notes[0].message == (
        "the marketing SSH signature was made before signatures covered the signer: it proves "
        "that dana@acme.example signed this content, not the name and role shown "
        "(Dana Reyes, VP Marketing)"
    )


def test_an_old_signature_renamed_is_a_note_not_an_error(legacy: Path) -> None:
    """The v1 message never covered the name: say so, but it still proves the principal."""
    path = legacy / "acme" / "v1.toml"
    replace_in(path, 'name = "Dana Reyes"', 'name = "Eve Mallory"')
    report = check_folder(legacy, date(2025, 3, 1), strict=True)
    assert [f.rule for f in report.findings if f.level == "error"] == []
    notes = [f for f in report.findings if f.rule == "signature-coverage"]
    assert [(f.level, f.clause) for f in notes] == [
        ("info", "signoff.marketing"),
        ("info", "signoff.sales"),
    ]
    assert "not the name and role shown (Eve Mallory, VP Marketing)" in notes[0].message
    assert report.exit_code == 0


def test_a_half_signed_draft_check_fails_says_how_to_go_on(
    draft: Path, dana: Person, sam: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Marketing signed with a workbench that did not refuse what `check` fails on (a demo
    # request that is tier 1 and also scored). Sales is refused, and told the way on: the fix
    # is an edit the marketing signature does not cover.
    replace_in(
        draft, "[scoring.activity_points]\n", "[scoring.activity_points]\ndemo_request = 30\n"
    )
    import workbench.core.services.signoff as signoff

    with monkeypatch.context() as older:
        older.setattr(signoff, "signing_blockers", lambda *_a: [])
        sign_side(draft, "marketing", dana)
    before = draft.read_bytes()
    with pytest.raises(CheckFailed) as refused:
        sign_side(draft, "sales", sam)
    said = [(p.field, p.message) for p in refused.value.problems]
    assert said[0][0] == "scoring.activity_points.demo_request"
    assert "demo-request-scored" in said[0][1]
    assert said[-1] == (
        "partial_signoff",
        "fixing it changes what marketing signed: remove [partial_signoff], fix the draft, "
        "and have both sides sign again",
    )
    assert draft.read_bytes() == before
