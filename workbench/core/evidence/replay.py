"""The reference replay: every moment a lead would have become an MQL under a definition.

This module is the contract the SQL engine is property-tested against. The semantics, exactly:

1. **Leads are snapshots.** A lead's person and company fields (size, industry, seniority,
   relationship, ...) are the values in the leads table, the same at every moment. Outcome
   columns (historical `mql_at`, SDR decision, ...) play no part in the replay.
2. **Moments.** A lead's moments are the distinct timestamps of its activities, in ascending
   order (all times are compared in UTC; a naive time is UTC). Several activities at the same
   timestamp form one moment; among them, the vocabulary's order (`ACTIVITY_KINDS`) decides
   which one names a trigger, so the answer never depends on the order of rows in a file. A lead with no activities has no moments and no MQL events.
   Activities before the lead's `created_at` count like any other. Nothing is evaluated
   between moments: a verdict that would change with time alone (a score decaying, a negative
   activity leaving the scoring window, a recycling window expiring) is seen at the next
   activity, not when it happens.
3. **The verdict at a moment t** is `evaluate_prepared(prepare(definition), lead_t, as_of=t)`
   where `lead_t` is the lead with every activity at or before t (each with `count` 1, at its
   absolute time and with its `session_id`; activities after t are in the future and never
   count) and with
   `History(last_mql_days_ago=(t - m) / 1 day, last_mql_outcome=None)`, m being the latest MQL
   event of this replay before t; with no earlier event, `history` is None. The days are
   fractional (seconds / 86400), exactly as `Activity.age_days` computes ages.
4. **An MQL event** is a moment whose verdict has status "mql". It records (lead_id, at=t,
   tier, trigger, lead_type, segment, motion) from that verdict, and becomes the replay's
   last MQL for the moments after it. No other status changes the replay's state.

Consequences worth knowing (they follow from the evaluator, not from extra rules here):
- Inside `recycling.resubmit_after_days` after an MQL, the evaluator routes a fresh hand
  raise to the MQL's owner, so no second event; at or past the window a trigger makes a new
  event. MQL events of one lead are therefore at least `resubmit_after_days` apart.
- Only activity after the last MQL counts (the evaluator drops activity at or before it), but
  a hand raise that was routed inside the window is not consumed: if a later moment falls at
  or past the window, that hand raise makes an MQL event at that later moment, unless it is
  older than `triggers.within_days` by then (without it, a hand raise has no recency limit).
- Recency is measured at the moment: a hand raise, a tier 2 count or combination, or the
  review rule's high-intent action (`review_rule.high_intent_days`) counts when its age at t
  is at most its window. Expiry is seen at the next moment, like any change with time alone.
- A tier 2 combination (`together`) counts the sessions in which every kind of the rule has
  an activity inside the window and after the last MQL. An activity's session is its
  `session_id`, or without one its UTC calendar day; an activity with a session id never
  shares a session with one without, even on the same day.
- With segments or motions, the rule set is chosen by the evaluator at each moment exactly as
  for a single lead; the event carries the chosen segment or motion.
- The lead's `lead_source` is part of its snapshot (rule 1), compared trimmed and lower-cased
  (`domain.sources`): a source in `fit.exclude_sources` makes events only from tier 1 and 4
  hand raises; `scoring.source_points` adds once per lead, like seniority points, and
  `scoring.source_thresholds` replaces the threshold for that source's leads.

5. **Account facts.** When a motion qualifies the account (`qualifies = "account"`), the
   lead's `engaged_contacts` and `account_intent` at moment t are not the leads table's: they
   are computed from the history (`domain.account`), for every motion of that definition.
   An account is the leads sharing an `account_id`, else a `domain` (exactly as in the table:
   no further folding; an empty value is no value); a lead with neither is its own account.
   Engaged contacts at t: how many of the account's leads have an activity in
   [t - ACCOUNT_WINDOW_DAYS, t] (30 days; the lead itself counts, having one at t). Intent at
   t: at least INTENT_MIN_ACTIONS (2) activities in that window, by any of the account's leads
   together, whose kind is high intent (`account.intent_kinds`: the review rule's
   `high_intent` and every trigger kind of the account motions). Activity after t never
   counts, nor do leads outside the replayed tables. A definition without an account motion
   reads `engaged_contacts` from the table as before, and `account_intent` is false.
   Once an account motion's gate passes at t (its fit gate's company clauses, a target
   account when it takes only those, engaged contacts at or above its minimum, and intent),
   the account facts themselves fire (`evaluator._account_fires`): an event with tier 2 and
   trigger "account" when none of the motion's tier 1, tier 2 or tier 4 triggers fired
   first, whatever the lead did since the last MQL (the review rule and tier 3 come after).
   So such an account gives the lead an event at every moment past the resubmit window for
   as long as the gate holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from workbench.core.domain.account import AccountHistory, has_account_motion
from workbench.core.domain.definition import Definition
from workbench.core.domain.evaluator import Prepared, evaluate_prepared, prepare
from workbench.core.domain.lead import History, Lead
from workbench.core.domain.verdict import Verdict
from workbench.core.domain.vocab import ACTIVITY_KINDS
from workbench.core.evidence.tables import ActivityRow, LeadRow

_DAY_SECONDS = 86400.0
_KIND_ORDER = {kind: index for index, kind in enumerate(ACTIVITY_KINDS)}


@dataclass(frozen=True, slots=True)
class MqlEvent:
    """One moment a lead would have become an MQL (or PQL/AQL, per `lead_type`)."""

    lead_id: str
    at: datetime
    tier: int | None
    trigger: str | None
    lead_type: str
    segment: str | None
    motion: str | None


@dataclass(frozen=True, slots=True)
class Moment:
    """The verdict at one moment of a lead's timeline, and the history it was judged with."""

    at: datetime
    last_mql_days_ago: float | None
    verdict: Verdict


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _prepared(definition: Definition | Prepared) -> Prepared:
    return definition if isinstance(definition, Prepared) else prepare(definition)


def account_history(
    definition: Definition | Prepared,
    leads: Iterable[LeadRow],
    activities: Iterable[ActivityRow],
) -> AccountHistory:
    """The leads grouped by account with their activity, for the account facts (rule 5)."""
    prepared = _prepared(definition)
    history = AccountHistory(prepared.definition)
    for lead in leads:
        history.add_lead(lead.lead_id, lead.account_id, lead.domain)
    history.add_activities((a.lead_id, a.kind, _utc(a.at)) for a in activities)
    return history


def with_account(lead: Lead, lead_id: str, at: datetime, accounts: AccountHistory | None) -> Lead:
    """`lead` with its account's engaged contacts and intent at `at` (rule 5), from `accounts`."""
    if accounts is None:
        return lead
    engaged, intent = accounts.facts(lead_id, at)
    company = lead.company.model_copy(
        update={"engaged_contacts": engaged, "account_intent": intent}
    )
    return lead.model_copy(update={"company": company})


def _accounts(
    prepared: Prepared,
    lead: LeadRow,
    activities: Sequence[ActivityRow],
    accounts: AccountHistory | None,
) -> AccountHistory | None:
    """The account history rule 5 needs, or None when no motion qualifies the account;
    without one given, the lead's own activity is its account's whole history."""
    if not has_account_motion(prepared.definition):
        return None
    return accounts if accounts is not None else account_history(prepared, [lead], activities)


def moments(
    definition: Definition | Prepared,
    lead: LeadRow,
    activities: Sequence[ActivityRow],
    accounts: AccountHistory | None = None,
) -> Iterator[Moment]:
    """The verdict at each moment of one lead's timeline, lazily (see the module docstring):
    a caller that wants only the first MQL stops evaluating there. `accounts` gives the
    account facts of rule 5 (`account_history` over every lead); without it, the lead alone."""
    prepared = _prepared(definition)
    accounts = _accounts(prepared, lead, activities, accounts)
    ordered = sorted(activities, key=lambda a: (_utc(a.at), _KIND_ORDER[a.kind]))
    # Every activity is on the lead once; the evaluator ignores those after as-of (age < 0),
    # which is the same as giving it only the activities at or before the moment.
    base: Lead = lead.to_lead(
        [ActivityRow(a.lead_id, a.kind, _utc(a.at), a.session_id) for a in ordered]
    )
    last_mql: datetime | None = None
    seen: set[datetime] = set()
    for activity in ordered:
        at = _utc(activity.at)
        if at in seen:
            continue
        seen.add(at)
        days = None if last_mql is None else (at - last_mql).total_seconds() / _DAY_SECONDS
        current = (
            base
            if days is None
            else base.model_copy(update={"history": History(last_mql_days_ago=days)})
        )
        current = with_account(current, lead.lead_id, at, accounts)
        verdict = evaluate_prepared(prepared, current, as_of=at)
        yield Moment(at, days, verdict)
        if verdict.status == "mql":
            last_mql = at


def timeline(
    definition: Definition | Prepared,
    lead: LeadRow,
    activities: Sequence[ActivityRow],
    accounts: AccountHistory | None = None,
) -> list[Moment]:
    """The verdict at every moment of one lead's timeline (see the module docstring)."""
    return list(moments(definition, lead, activities, accounts))


def first_mql(
    definition: Definition | Prepared,
    lead: LeadRow,
    activities: Sequence[ActivityRow],
    accounts: AccountHistory | None = None,
) -> Moment | None:
    """The lead's first MQL moment, evaluating no further; None if it never becomes one."""
    return next(
        (m for m in moments(definition, lead, activities, accounts) if m.verdict.status == "mql"),
        None,
    )


def last_verdict(
    definition: Definition | Prepared,
    lead: LeadRow,
    activities: Sequence[ActivityRow],
    accounts: AccountHistory | None = None,
) -> Moment | None:
    """The moment at the lead's last activity, for a lead with no MQL before it (its history
    is empty, so one evaluation gives what the whole timeline would end on); None without
    activities."""
    if not activities:
        return None
    ordered = sorted(activities, key=lambda a: (_utc(a.at), _KIND_ORDER[a.kind]))
    at = _utc(ordered[-1].at)
    prepared = _prepared(definition)
    base = lead.to_lead([ActivityRow(a.lead_id, a.kind, _utc(a.at), a.session_id) for a in ordered])
    base = with_account(base, lead.lead_id, at, _accounts(prepared, lead, activities, accounts))
    return Moment(at, None, evaluate_prepared(prepared, base, as_of=at))


def _event(lead_id: str, moment: Moment) -> MqlEvent:
    verdict = moment.verdict
    return MqlEvent(
        lead_id=lead_id,
        at=moment.at,
        tier=verdict.tier,
        trigger=verdict.trigger,
        lead_type=verdict.lead_type,
        segment=verdict.segment,
        motion=verdict.motion,
    )


def replay_one(
    definition: Definition | Prepared,
    lead: LeadRow,
    activities: Sequence[ActivityRow],
    accounts: AccountHistory | None = None,
) -> list[MqlEvent]:
    """One lead's MQL events, in time order."""
    return [
        _event(lead.lead_id, moment)
        for moment in timeline(definition, lead, activities, accounts)
        if moment.verdict.status == "mql"
    ]


def iter_replay(
    definition: Definition | Prepared,
    leads: Iterable[LeadRow],
    activities: Iterable[ActivityRow],
) -> Iterator[MqlEvent]:
    """Every lead's MQL events, lead by lead in the leads' order, each lead in time order.

    Activities whose lead is not among `leads` are ignored (the loader reports them).
    """
    prepared = _prepared(definition)
    by_lead: defaultdict[str, list[ActivityRow]] = defaultdict(list)
    for activity in activities:
        by_lead[activity.lead_id].append(activity)
    accounts = None
    if has_account_motion(prepared.definition):
        leads = list(leads)
        accounts = account_history(prepared, leads, (a for rows in by_lead.values() for a in rows))
    for lead in leads:
        mine = by_lead.get(lead.lead_id)
        if mine:
            yield from replay_one(prepared, lead, mine, accounts)


def replay(
    definition: Definition | Prepared,
    leads: Iterable[LeadRow],
    activities: Iterable[ActivityRow],
) -> list[MqlEvent]:
    """`iter_replay` as a list."""
    return list(iter_replay(definition, leads, activities))
