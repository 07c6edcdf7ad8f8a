"""How a title keyword and an e-mail domain match, stated once for Python and SQL alike.

A title matches a keyword when the keyword's words appear in it as whole words, in order:
both are cut at every run of characters other than ASCII letters and digits, lower-cased and
padded with one space, then " keyword " is looked for in " title ". Letters outside ASCII
('É' in 'Étudiant') are separators in both engines, because SQL engines do not agree on how
to lower-case them: 'Étudiant' reads as 'tudiant'. A keyword must keep an ASCII letter or
digit. The SQL engine writes the same thing with `TITLE_SEPARATORS` (see `engine`).

A domain entry matches an e-mail whose domain (after its last '@', trimmed, lower case) is
the entry or ends with '.' + entry: 'edu' matches mit.edu and cs.mit.edu, as competitors do.
"""

from __future__ import annotations

import re


def lowered(values: list[str]) -> frozenset[str]:
    """A fit gate's list as it is compared (industries, regions, competitors): trimmed, in
    lower case, blanks left out; the evaluator and the sentences that describe it agree."""
    return frozenset(v.strip().lower() for v in values if v.strip())


TITLE_SEPARATORS = "[^A-Za-z0-9]+"
_SEPARATORS = re.compile(TITLE_SEPARATORS)
_DOMAIN = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*")


def padded_title(title: str | None) -> str:
    """' msc student ' for 'MSc Student': the form a keyword is looked for in."""
    return " " + _SEPARATORS.sub(" ", title or "").lower() + " "


def keyword_form(keyword: str) -> str:
    """' open to work ' for 'Open-to-work': a keyword as it is looked for."""
    return " " + _SEPARATORS.sub(" ", keyword).lower().strip() + " "


def title_matches(padded: str, keyword: str) -> bool:
    return keyword_form(keyword) in padded


def email_domain(email: str | None) -> str | None:
    """The e-mail's domain as the competitor check reads it: after the last '@'."""
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].strip().lower()


def domain_form(entry: str) -> str:
    return entry.strip().lower()


def domain_matches(domain: str | None, entry: str) -> bool:
    if domain is None:
        return False
    wanted = domain_form(entry)
    return domain == wanted or domain.endswith("." + wanted)


def check_keywords(keywords: list[str]) -> None:
    """A keyword with no ASCII letter or digit would match every title, or none."""
    for keyword in keywords:
        if not keyword_form(keyword).strip():
            raise ValueError(
                f"title keyword {keyword!r} has no letter or digit a-z, 0-9 to match on"
            )


def check_domains(entries: list[str]) -> None:
    """A domain entry is labels of a-z, 0-9 and '-' joined by dots: 'edu', 'ac.uk'."""
    for entry in entries:
        if not _DOMAIN.fullmatch(domain_form(entry)):
            raise ValueError(
                f"e-mail domain {entry!r} is not a domain such as 'edu', 'ac.uk' or 'gmail.com'"
            )
