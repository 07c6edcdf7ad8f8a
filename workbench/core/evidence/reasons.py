"""The CRM's free-text rejection reasons onto the framework's eight standard ones.

An SDR team writes "No budget", "Student", "too small - 5 ppl"; the framework's calibration
reads eight standard reasons (`vocab.STANDARD_REJECTION_REASONS`), each with what marketing
should do (`backtest.REJECTION_ADVICE`). A mapping file's `[values.rejection_reason]` table
translates them at load (`mapping.TRANSLATED_TEXT`, onto the eight only), and `workbench map`
proposes that table from the file's distinct reasons with `propose_reason`: by keywords, then
by a misspelling of a standard one. A guess is marked as one; a value nothing places is left
for the room, and a reason still not standard after loading is reported as such (`sla`).
"""

from __future__ import annotations

import difflib
import re

from workbench.core.domain.vocab import STANDARD_REJECTION_REASONS

# (words the reason contains, standard reason): first match wins, so the specific come first.
REASON_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("no budget", "timing"),
    ("not now", "timing"),
    ("not ready", "timing"),
    ("next quarter", "timing"),
    ("next year", "timing"),
    ("later", "timing"),
    ("timing", "timing"),
    ("student", "competitor-student-job-seeker"),
    ("students", "competitor-student-job-seeker"),
    ("job seeker", "competitor-student-job-seeker"),
    ("jobseeker", "competitor-student-job-seeker"),
    ("applicant", "competitor-student-job-seeker"),
    ("candidate", "competitor-student-job-seeker"),
    ("competitor", "competitor-student-job-seeker"),
    ("existing customer", "already-a-customer"),
    ("current customer", "already-a-customer"),
    ("already a customer", "already-a-customer"),
    ("customer", "already-a-customer"),
    ("client", "already-a-customer"),
    ("duplicate", "duplicate"),
    ("dupe", "duplicate"),
    ("already in", "duplicate"),
    ("open opportunity", "duplicate"),
    ("wrong size", "bad-fit-company"),
    ("too small", "bad-fit-company"),
    ("too big", "bad-fit-company"),
    ("company size", "bad-fit-company"),
    ("wrong industry", "bad-fit-company"),
    ("wrong geo", "bad-fit-company"),
    ("wrong country", "bad-fit-company"),
    ("wrong region", "bad-fit-company"),
    ("not icp", "bad-fit-company"),
    ("junior", "bad-fit-person"),
    ("no authority", "bad-fit-person"),
    ("wrong role", "bad-fit-person"),
    ("wrong person", "bad-fit-person"),
    ("wrong title", "bad-fit-person"),
    ("not a decision maker", "bad-fit-person"),
    ("not decision maker", "bad-fit-person"),
    ("intern", "bad-fit-person"),
    ("not interested", "not-interested"),
    ("no interest", "not-interested"),
    ("no need", "not-interested"),
    ("unreachable", "unreachable"),
    ("no answer", "unreachable"),
    ("no response", "unreachable"),
    ("bounced", "unreachable"),
    ("bounce", "unreachable"),
    ("wrong number", "unreachable"),
    ("invalid email", "unreachable"),
    ("could not reach", "unreachable"),
    ("cannot reach", "unreachable"),
    # A contact who has left cannot be reached: the company may fit perfectly well.
    ("left company", "unreachable"),
    ("left the company", "unreachable"),
    ("no longer at", "unreachable"),
    ("no longer with", "unreachable"),
)

# Only a misspelling of a standard reason is placed by its spelling ("bad fit compnay"); a
# looser likeness would read "left company" as bad fit (company), the reason that tightens
# the fit gate in a review.
SPELLING_CUTOFF = 0.9


def _words(text: str) -> str:
    return " " + " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split()) + " "


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def is_standard(value: str) -> bool:
    return value in STANDARD_REJECTION_REASONS


def propose_reason(value: str) -> tuple[str | None, str]:
    """A standard reason for a CRM's reason, and why; (None, "") when nothing fits."""
    squashed = _squash(value)
    by_squash = {_squash(r): r for r in STANDARD_REJECTION_REASONS}
    if squashed in by_squash:
        return by_squash[squashed], "the standard reason, written differently"
    joined = _words(value)
    for keyword, reason in REASON_KEYWORDS:
        if f" {keyword} " in joined:
            return reason, f"it says {keyword!r}"
    if squashed:
        close = difflib.get_close_matches(squashed, list(by_squash), n=1, cutoff=SPELLING_CUTOFF)
        if close:
            return by_squash[close[0]], "a misspelling of it"
    return None, ""
