"""Account facts for a motion that qualifies the account (an AQL), and how history gives them.

000 and 002 qualify an account, not a person, "when firmographic data, intent signals, and
engagement from multiple contacts within the business meet a threshold"; 002 names the intent:
"multiple page visits, research on product-specific topics". For one lead (an edge case) the
room writes the facts on the company: `engaged_contacts` and `account_intent`. In a backtest
they are computed from the history itself, at each moment t and never from later activity:

- an account is the leads sharing an `account_id`, else a `domain`; a lead with neither is an
  account of its own;
- engaged contacts at t: the account's leads with at least one activity in [t - 30 days, t];
- account-level intent at t: at least 2 high-intent actions by the account's leads, together,
  in [t - 30 days, t]. High intent is what the room already calls so: the review rule's
  `high_intent` kinds and every trigger kind (tier 1, 2 and 4) of the account motions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter

from workbench.core.domain.definition import Definition

ACCOUNT_WINDOW_DAYS = 30
"""How far back an account's engagement and intent count (001: stale activity is no signal)."""
INTENT_MIN_ACTIONS = 2
"""002's "multiple page visits": one high-intent action is a person's signal, two the account's."""


def has_account_motion(definition: Definition) -> bool:
    return any(m.qualifies_account for m in definition.motions)


def intent_kinds(definition: Definition) -> frozenset[str]:
    """The activity kinds that count as account-level intent (see the module docstring)."""
    kinds: set[str] = set(definition.review_rule.high_intent)
    for motion in definition.motions:
        if not motion.qualifies_account:
            continue
        triggers = definition.owned(motion, "triggers")[1]
        kinds |= set(triggers.tier1) | set(triggers.tier4) | {r.kind for r in triggers.tier2}
    return frozenset(kinds)


def account_key(account_id: str | None, domain: str | None, lead_id: str) -> str:
    """Which account a lead belongs to: its account id, else its domain, else itself."""
    if account_id:
        return "a:" + account_id
    if domain:
        return "d:" + domain
    return "l:" + lead_id


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(at: datetime) -> int:
    """A time as whole microseconds since 1970 in UTC (a naive time is UTC): what the history
    keeps, so a loaded table's rows need no datetime at all (see `add_micros`)."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return (aware - _EPOCH) // _MICROSECOND


@dataclass
class _Account:
    times: list[int] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    intent_times: list[int] = field(default_factory=list)


class AccountHistory:
    """Every account's activity in time order, to give the account facts at any moment."""

    def __init__(self, definition: Definition) -> None:
        self._intent = intent_kinds(definition)
        self._window = ACCOUNT_WINDOW_DAYS * 86_400 * 1_000_000
        self._of_lead: dict[str, str] = {}
        self._accounts: dict[str, _Account] = {}

    def add_lead(self, lead_id: str, account_id: str | None, domain: str | None) -> None:
        self._of_lead[lead_id] = account_key(account_id, domain, lead_id)

    def add_activities(self, rows: Iterable[tuple[str, str, datetime]]) -> None:
        """(lead_id, kind, at) rows, at aware in UTC; rows of unknown leads are ignored."""
        self.add_micros([(lead_id, kind, micros(at)) for lead_id, kind, at in rows])

    def add_micros(self, rows: Iterable[tuple[str, str, int]]) -> None:
        """(lead_id, kind, microseconds since 1970 in UTC) rows, in any order; rows of unknown
        leads are ignored. A table's rows read as integers cost a fraction of datetimes."""
        of_lead = self._of_lead
        found = [row for row in rows if row[0] in of_lead]
        found.sort(key=itemgetter(2))  # stable: rows at one time keep their order
        for lead_id, kind, at in found:
            account = self._accounts.get(of_lead[lead_id])
            if account is None:
                account = self._accounts[of_lead[lead_id]] = _Account()
            account.times.append(at)
            account.leads.append(lead_id)
            if kind in self._intent:
                account.intent_times.append(at)

    def add_account(
        self, key: str, times: list[int], leads: list[str], intent_times: list[int]
    ) -> None:
        """One account's whole history at once (`account_key`'s key; microseconds since 1970
        in UTC, each list in time order, `leads[i]` active at `times[i]`; ties in any order,
        since a window never splits one time). For a table read already grouped by account."""
        self._accounts[key] = _Account(times, leads, intent_times)

    def facts(self, lead_id: str, at: datetime) -> tuple[int, bool]:
        """(engaged contacts, account-level intent) of the lead's account at `at`."""
        key = self._of_lead.get(lead_id, "l:" + lead_id)
        account = self._accounts.get(key)
        if account is None:
            return 0, False
        end = micros(at)
        start = end - self._window
        low = bisect_left(account.times, start)
        high = bisect_right(account.times, end)
        engaged = len(set(account.leads[low:high]))
        actions = bisect_right(account.intent_times, end) - bisect_left(account.intent_times, start)
        return engaged, actions >= INTENT_MIN_ACTIONS
