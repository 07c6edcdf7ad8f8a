"""A one-line way to type a lead's activities in a form: 'demo_request 0, blog_visit 3 x200'.

Each item is `kind [days_ago] [xCOUNT]`; days default to 0 and count to 1.
"""

from __future__ import annotations

import re

from workbench.core.domain.vocab import ACTIVITY_KINDS

_ITEM = re.compile(r"^(?P<kind>[a-z_]+)(?:\s+(?P<days>\d+(?:\.\d+)?)d?)?(?:\s*x(?P<count>\d+))?$")


def parse_activities(text: str) -> list[dict[str, object]]:
    """Parse the one-line form; raises ValueError naming the item that is wrong."""
    found: list[dict[str, object]] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        match = _ITEM.match(item)
        if not match:
            raise ValueError(
                f"{item!r}: expected 'kind [days_ago] [xCOUNT]', e.g. 'blog_visit 3 x200'"
            )
        kind = match.group("kind")
        if kind not in ACTIVITY_KINDS:
            raise ValueError(
                f"{kind!r} is not an activity kind; expected one of {', '.join(ACTIVITY_KINDS)}"
            )
        days = match.group("days")
        activity: dict[str, object] = {
            "kind": kind,
            "days_ago": (float(days) if "." in days else int(days)) if days else 0,
        }
        if match.group("count"):
            activity["count"] = int(match.group("count"))
        found.append(activity)
    return found


def format_activities(activities: list[dict[str, object]]) -> str:
    """The inverse of parse_activities, for showing a case's lead in the same notation."""
    parts = []
    for activity in activities:
        text = f"{activity['kind']} {activity.get('days_ago', 0)}"
        count = activity.get("count", 1)
        if count != 1:
            text += f" x{count}"
        parts.append(text)
    return ", ".join(parts)
