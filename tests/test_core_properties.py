"""Property tests: generated definitions and leads.

- a definition survives the file format: load(save(d)) == d;
- the evaluator never raises on a valid lead and always answers in the vocabulary;
- a signed file with any clause changed is reported as altered.
"""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.budget import examples
from workbench.core.domain.definition import SLUG_RE, Definition
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.lead import Lead
from workbench.core.domain.lint import lint
from workbench.core.domain.suite import run_suite
from workbench.core.domain.vocab import (
    ACTIVITY_KINDS,
    PERSONAS,
    ROUTES,
    SENIORITY_ORDER,
    STAGE_IDS,
    STATUSES,
    TIER_KEYS,
)
from workbench.core.files import store, tomlfile
from workbench.core.services.signoff import sign

SETTINGS = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

INT64 = 2**63 - 1
RELATIONSHIPS = ("prospect", "customer", "competitor", "partner")
OUTCOMES = ("open", "accepted", "rejected", "unworked")
ZONES = (None, UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5, minutes=30)))

slugs = st.from_regex(SLUG_RE, fullmatch=True)
text = st.text(max_size=24)
short_list = st.lists(text, max_size=3)
kinds = st.sampled_from(ACTIVITY_KINDS)
kind_list = st.lists(kinds, max_size=4)
seniorities = st.sampled_from(SENIORITY_ORDER)
routes = st.sampled_from(ROUTES)
ages = st.one_of(
    st.integers(min_value=0, max_value=400),
    st.floats(min_value=0, max_value=400, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=INT64),
    st.floats(min_value=0, allow_nan=False, allow_infinity=False),
)
moments = st.builds(
    lambda base, zone: base.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1)),
    st.sampled_from(ZONES),
)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def size_range(draw: st.DrawFn) -> tuple[int | None, int | None]:
    low = draw(optional(st.integers(min_value=0, max_value=5000)))
    high = draw(optional(st.integers(min_value=low or 0, max_value=20000)))
    return low, high


@st.composite
def fits(draw: st.DrawFn) -> dict[str, Any]:
    low, high = draw(size_range())
    data: dict[str, Any] = {
        "industries": draw(
            st.lists(
                st.sampled_from(["software", "Fintech", "retail", "agency"]) | text, max_size=3
            )
        ),
        "regions": draw(st.lists(st.sampled_from(["europe", "North-America", "apac"]), max_size=3)),
        "excluded_personas": draw(st.lists(st.sampled_from(PERSONAS), max_size=3, unique=True)),
        "competitors": draw(
            st.lists(st.sampled_from(["rival.com", "RivalCRM", "other.io"]) | text, max_size=3)
        ),
        "existing_customers": draw(st.sampled_from(["account-owner", "prospect"])),
    }
    if low is not None:
        data["min_employees"] = low
    if high is not None:
        data["max_employees"] = high
    seniority = draw(optional(seniorities))
    if seniority is not None:
        data["min_seniority"] = seniority
    return data


tier2_rules = st.fixed_dictionaries(
    {
        "kind": kinds,
        "min_count": st.integers(min_value=1, max_value=10),
        "within_days": st.integers(min_value=1, max_value=60),
    }
)


def triggers(tier3_allowed: bool) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "route": routes,
            "tier1": kind_list,
            "tier2": st.lists(tier2_rules, max_size=3),
            "tier3": st.booleans() if tier3_allowed else st.just(False),
            "tier4": kind_list,
        }
    )


@st.composite
def scorings(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "threshold": draw(st.integers(min_value=1, max_value=500)),
        "window_days": draw(optional(st.integers(min_value=1, max_value=365))),
        "activity_points": draw(st.dictionaries(kinds, st.integers(-100, 100), max_size=6)),
        "seniority_points": draw(st.dictionaries(seniorities, st.integers(-50, 50), max_size=4)),
    }
    half_life = draw(
        optional(
            st.integers(min_value=1, max_value=365)
            | st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)
        )
    )
    if half_life is not None:
        data["half_life_days"] = half_life
    return data


response_tables = st.dictionaries(
    st.sampled_from(ACTIVITY_KINDS + TIER_KEYS),
    st.integers(min_value=0, max_value=10_000),
    max_size=5,
)


@st.composite
def people(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"title": draw(text), "persona": draw(st.sampled_from(PERSONAS))}
    seniority = draw(optional(seniorities))
    if seniority is not None:
        data["seniority"] = seniority
    email = draw(
        optional(
            st.sampled_from(["a@rival.com", "b@eu.rival.com", "c@ok.example", "nobody"]) | text
        )
    )
    if email is not None:
        data["email"] = email
    return data


@st.composite
def companies(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": draw(st.sampled_from(["RivalCRM", "Acme"]) | text),
        "relationship": draw(st.sampled_from(RELATIONSHIPS)),
        "target_account": draw(st.booleans()),
        "engaged_contacts": draw(st.integers(min_value=0, max_value=10)),
    }
    for key, strategy in (
        ("domain", st.sampled_from(["rival.com", "acme.example", "eu.rival.com"]) | text),
        ("employees", st.integers(min_value=0, max_value=50_000)),
        ("industry", st.sampled_from(["software", "SOFTWARE", "retail"]) | text),
        ("region", st.sampled_from(["europe", "north-america", "apac"]) | text),
    ):
        value = draw(optional(strategy))
        if value is not None:
            data[key] = value
    return data


@st.composite
def activities(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": draw(kinds),
        "count": draw(st.integers(min_value=1, max_value=300)),
    }
    if draw(st.integers(0, 4)) == 0:
        data["at"] = draw(moments)
    else:
        data["days_ago"] = draw(ages)
    return data


@st.composite
def leads(draw: st.DrawFn) -> Lead:
    data: dict[str, Any] = {
        "person": draw(people()),
        "company": draw(companies()),
        "activities": draw(st.lists(activities(), max_size=6)),
    }
    if draw(st.booleans()):
        history: dict[str, Any] = {}
        last = draw(optional(ages))
        if last is not None:
            history["last_mql_days_ago"] = last
        outcome = draw(optional(st.sampled_from(OUTCOMES)))
        if outcome is not None:
            history["last_mql_outcome"] = outcome
        data["history"] = history
    return Lead.model_validate(data)


@st.composite
def expectations(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"status": draw(st.sampled_from(STATUSES))}
    for key, strategy in (
        ("route", routes),
        ("tier", st.integers(min_value=1, max_value=4)),
        ("lead_type", st.sampled_from(["mql", "pql", "aql"])),
        ("segment", slugs),
    ):
        value = draw(optional(strategy))
        if value is not None:
            data[key] = value
    return data


@st.composite
def cases(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(st.lists(slugs, max_size=4, unique=True))
    return [
        {
            "name": name,
            "why": draw(text),
            "depends": draw(st.booleans()),
            "expect": draw(expectations()),
            "lead": draw(leads()).model_dump(),
        }
        for name in names
    ]


@st.composite
def segments(draw: st.DrawFn, tier3_allowed: bool) -> list[dict[str, Any]]:
    ids = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))
    found = []
    for segment_id in ids:
        low, high = draw(size_range())
        data: dict[str, Any] = {"id": segment_id, "label": draw(text)}
        if low is not None:
            data["min_employees"] = low
        if high is not None:
            data["max_employees"] = high
        own_scoring = draw(optional(scorings()))
        for key, strategy in (
            ("fit", fits()),
            ("triggers", triggers(tier3_allowed or own_scoring is not None)),
            ("response_minutes", response_tables),
        ):
            value = draw(optional(strategy))
            if value is not None:
                data[key] = value
        if own_scoring is not None:
            data["scoring"] = own_scoring
        found.append(data)
    return found


@st.composite
def motions(draw: st.DrawFn, tier3_allowed: bool) -> list[dict[str, Any]]:
    ids = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))
    found = []
    for motion_id in ids:
        own_scoring = draw(optional(scorings()))
        data: dict[str, Any] = {
            "id": motion_id,
            "label": draw(text),
            "lead_type": draw(st.sampled_from(["mql", "pql", "aql"])),
            "target_accounts_only": draw(st.booleans()),
            "min_engaged_contacts": draw(st.integers(min_value=0, max_value=5)),
        }
        for key, strategy in (
            ("fit", fits()),
            ("triggers", triggers(tier3_allowed or own_scoring is not None)),
            ("response_minutes", response_tables),
        ):
            value = draw(optional(strategy))
            if value is not None:
                data[key] = value
        if own_scoring is not None:
            data["scoring"] = own_scoring
        found.append(data)
    return found


@st.composite
def slas(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "marketing": {
            "quality_pct": draw(st.integers(0, 100)),
            "monthly_volume": draw(st.integers(0, 100_000)),
            "required_fields": draw(short_list),
            "notify_seconds": draw(st.integers(0, 3600)),
        },
        "sales": {
            "response_minutes": draw(response_tables),
            "decide_within_hours": draw(st.integers(1, 200)),
            "rejection_reasons": draw(short_list),
            "follow_up_touches": draw(st.integers(0, 10)),
            "follow_up_days": draw(st.integers(1, 30)),
        },
    }
    if draw(st.booleans()):
        data["escalation"] = None
    else:
        data["escalation"] = {
            "to": draw(text),
            "after_minutes": draw(st.integers(0, 1000)),
            "reassign": draw(st.booleans()),
        }
    return data


questions = st.lists(
    st.fixed_dictionaries(
        {"text": st.text(min_size=1, max_size=40), "resolved": st.booleans()},
        optional={"raised_by": text, "answer": text},
    ),
    max_size=3,
)


@st.composite
def definitions(draw: st.DrawFn) -> Definition:
    scoring = draw(optional(scorings()))
    version = draw(st.integers(min_value=1, max_value=20))
    data: dict[str, Any] = {
        "name": draw(st.text(min_size=1, max_size=30)),
        "slug": draw(slugs),
        "version": version,
        "stage": draw(st.sampled_from(STAGE_IDS)),
        "created": draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))),
        "fit": draw(fits()),
        "triggers": draw(triggers(scoring is not None)),
        "recycling": {
            "resubmit_after_days": draw(st.integers(1, 400)),
            "inside_window_route": draw(routes),
        },
        "review_rule": {
            "enabled": draw(st.booleans()),
            "min_low_intent_actions": draw(optional(st.integers(1, 500))),
            "high_intent": draw(kind_list),
            "route": draw(routes),
            "score_rule": draw(st.booleans()),
        },
        "sla": draw(slas()),
        "questions": draw(questions),
        "cases": draw(cases()),
    }
    if version > 1 and draw(st.booleans()):
        data["supersedes"] = draw(st.integers(min_value=1, max_value=version - 1))
    if scoring is not None:
        data["scoring"] = scoring
    shape = draw(st.sampled_from(["plain", "segments", "motions"]))
    if shape == "segments":
        data["segments"] = draw(segments(scoring is not None))
    elif shape == "motions":
        data["motions"] = draw(motions(scoring is not None))
    return Definition.model_validate(data)


# --- load(save(d)) == d --------------------------------------------------------------


@SETTINGS
@given(definition=definitions())
def test_toml_text_round_trip(definition: Definition) -> None:
    text_form = store.to_toml(definition)
    assert Definition.model_validate(tomllib.loads(text_form)) == definition
    # The text is stable: writing the reloaded definition gives the same bytes.
    assert store.to_toml(Definition.model_validate(tomllib.loads(text_form))) == text_form


@SETTINGS
@given(definition=definitions())
def test_create_then_load_round_trip(
    tmp_path_factory: pytest.TempPathFactory, definition: Definition
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path_factory.getbasetemp()) as folder:
        path = store.create(definition, Path(folder))
        loaded = store.load_definition(path)
        assert loaded.definition == definition
        assert loaded.integrity == "draft"
        # And a save of the loaded definition writes the same bytes back.
        before = path.read_bytes()
        store.save(loaded.definition, path, loaded.file_sha256)
        assert path.read_bytes() == before


@SETTINGS
@given(lead=leads())
def test_lead_round_trip_through_toml(lead: Lead) -> None:
    raw = lead.model_dump(mode="python", exclude_defaults=True, exclude_none=True)
    assert Lead.model_validate(tomllib.loads(tomlfile.dumps(raw))) == lead


# --- the evaluator never raises ------------------------------------------------------


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definition=definitions(), lead=leads(), as_of=optional(moments))
def test_evaluate_never_raises_and_answers_in_the_vocabulary(
    definition: Definition, lead: Lead, as_of: datetime | None
) -> None:
    verdict = evaluate(definition, lead, as_of)
    assert verdict.status in STATUSES
    assert verdict.route in ROUTES
    assert verdict.lead_type in ("mql", "pql", "aql")
    assert verdict.reasons
    assert all(reason.clause and reason.text for reason in verdict.reasons)
    if verdict.status == "mql":
        assert verdict.tier in (1, 2, 3, 4)
        assert verdict.trigger
    else:
        assert verdict.response_minutes is None
    if verdict.segment is not None:
        assert verdict.segment in {s.id for s in definition.segments}
    assert evaluate(definition, lead, as_of) == verdict


@SETTINGS
@given(definition=definitions())
def test_run_suite_never_raises(definition: Definition) -> None:
    suite = run_suite(definition)
    assert suite.passed + suite.failed == len(definition.cases)
    for result in suite.results:
        assert result.passed == (result.mismatches == ())


# --- a signed file with any clause changed is detected -------------------------------

SIGN_NOW = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def agreeing(definition: Definition) -> Definition:
    """The same definition with each case expecting what it gets, so the suite passes."""
    data = definition.model_dump()
    for case in data["cases"]:
        verdict = evaluate(definition, Lead.model_validate(case["lead"]))
        case["expect"] = {"status": verdict.status, "route": verdict.route}
    return Definition.model_validate(data)


def _toggle(items: list[Any], value: Any) -> None:
    if value in items:
        items.remove(value)
    else:
        items.append(value)


def _other(value: Any, options: tuple[Any, ...]) -> Any:
    return next(option for option in options if option != value)


Mutation = Callable[[dict[str, Any]], None]

MUTATIONS: dict[str, Mutation] = {
    "name": lambda d: d.update(name=d["name"] + "!"),
    "stage": lambda d: d.update(stage=_other(d["stage"], STAGE_IDS)),
    "created": lambda d: d.update(created=d["created"] + timedelta(days=1)),
    "fit.existing_customers": lambda d: d["fit"].update(
        existing_customers=_other(d["fit"]["existing_customers"], ("account-owner", "prospect"))
    ),
    "fit.competitors": lambda d: d["fit"]["competitors"].append("brand-new-rival.example"),
    "fit.excluded_personas": lambda d: _toggle(d["fit"]["excluded_personas"], "journalist"),
    "fit.min_seniority": lambda d: d["fit"].update(
        min_seniority=_other(d["fit"].get("min_seniority"), ("vp", "manager"))
    ),
    "triggers.route": lambda d: d["triggers"].update(route=_other(d["triggers"]["route"], ROUTES)),
    "triggers.tier1": lambda d: _toggle(d["triggers"]["tier1"], "demo_request"),
    "triggers.tier2": lambda d: d["triggers"]["tier2"].append(
        {"kind": "pricing_page_view", "min_count": 9, "within_days": 3}
    ),
    "scoring": lambda d: (
        d["scoring"].update(threshold=d["scoring"]["threshold"] + 1)
        if d.get("scoring")
        else d.update(scoring={"threshold": 50})
    ),
    "recycling": lambda d: d["recycling"].update(
        resubmit_after_days=d["recycling"]["resubmit_after_days"] + 1
    ),
    "review_rule": lambda d: d["review_rule"].update(enabled=not d["review_rule"]["enabled"]),
    "sla.sales.response_minutes": lambda d: d["sla"]["sales"]["response_minutes"].update(
        tier3=d["sla"]["sales"]["response_minutes"].get("tier3", 0) + 1
    ),
    "sla.marketing": lambda d: d["sla"]["marketing"].update(
        quality_pct=(d["sla"]["marketing"]["quality_pct"] + 1) % 101
    ),
    "sla.escalation": lambda d: d["sla"].update(
        escalation=None if d["sla"]["escalation"] else {"to": "VP Sales"}
    ),
    "questions": lambda d: d["questions"].append({"text": "Who owns partner leads?"}),
    "cases": lambda d: (
        d["cases"][0]["lead"]["company"].update(
            engaged_contacts=d["cases"][0]["lead"]["company"]["engaged_contacts"] + 1
        )
        if d["cases"]
        else d["cases"].append({"name": "added-later", "expect": {"status": "nurture"}, "lead": {}})
    ),
    "segments_or_motions": lambda d: (
        d["segments"][0].update(label=d["segments"][0]["label"] + "x")
        if d["segments"]
        else d["motions"][0].update(
            min_engaged_contacts=d["motions"][0]["min_engaged_contacts"] + 1
        )
        if d["motions"]
        else d["fit"].update(regions=[*d["fit"]["regions"], "latam"])
    ),
    "signoff.review_date": lambda d: d["signoff"].update(
        review_date=d["signoff"]["review_date"] + timedelta(days=1)
    ),
}


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    definition=definitions(),
    review_in=st.integers(min_value=1, max_value=2000),
    mutation=st.sampled_from(sorted(MUTATIONS)),
)
def test_any_clause_changed_after_signing_is_detected(
    tmp_path_factory: pytest.TempPathFactory,
    definition: Definition,
    review_in: int,
    mutation: str,
) -> None:
    draft = agreeing(definition.model_copy(update={"status": "draft", "signoff": None}))
    assume(run_suite(draft).ok)
    # Signing refuses what `check` fails on (no fit gate, a scored hand raise): not signable.
    assume(not [f for f in lint(draft, today=SIGN_NOW.date()) if f.severity == "error"])
    with tempfile.TemporaryDirectory(dir=tmp_path_factory.getbasetemp()) as folder:
        path = store.create(draft, Path(folder))
        review = SIGN_NOW.date() + timedelta(days=review_in)
        sign(
            store.load_definition(path),
            "Dana Reyes, VP Marketing",
            "Sam Okafor, VP Sales",
            review,
            SIGN_NOW,
        )
        signed = store.load_definition(path)
        assert signed.integrity == "intact"

        data = signed.definition.model_dump()
        MUTATIONS[mutation](data)
        changed = Definition.model_validate(data)
        assert changed != signed.definition
        path.write_text(store.to_toml(changed), encoding="utf-8")
        reloaded = store.load_definition(path)
        assert reloaded.definition == changed
        assert reloaded.integrity == "altered", mutation
