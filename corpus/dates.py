"""Find and resolve date expressions in news text ("On October 12th, 2018", "during 4-5 October 2018",
"last Tuesday"), and parse dates given as metadata."""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import re
from typing import NamedTuple

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MONTH = r"(?P<{n}>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_DAY = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY_TAIL = r"(?:\s*(?:-|–|—|and|to|&)\s*[0-3]?\d(?:st|nd|rd|th)?)?"
_YEAR = r"(?P<{n}>1[89]\d\d|20\d\d)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    (
        "dmy",
        re.compile(
            rf"\b{_DAY.format(n='d')}{_DAY_TAIL}(?:\s+of)?\s+{_MONTH.format(n='m')},?\s+{_YEAR.format(n='y')}\b",
        ),
    ),
    (
        "mdy",
        re.compile(
            rf"\b{_MONTH.format(n='m')}\s+{_DAY.format(n='d')}{_DAY_TAIL},?\s+{_YEAR.format(n='y')}\b",
        ),
    ),
    ("dm", re.compile(rf"\b{_DAY.format(n='d')}{_DAY_TAIL}(?:\s+of)?\s+{_MONTH.format(n='m')}\b")),
    ("md", re.compile(rf"\b{_MONTH.format(n='m')}\s+{_DAY.format(n='d')}(?:st|nd|rd|th)?\b(?!\s*%)")),
    ("my", re.compile(rf"\b{_MONTH.format(n='m')},?\s+{_YEAR.format(n='y')}\b")),
    (
        "y",
        re.compile(
            rf"\b(?:in|since|until|from|by|of|year|during|before|after|through|throughout)\s+{_YEAR.format(n='y')}\b",
            re.I,
        ),
    ),
    ("rel", re.compile(r"\b(?P<r>today|yesterday|tomorrow)\b", re.I)),
    (
        "wd",
        re.compile(
            r"\b(?P<q>last|this|next|on)?\s*(?P<w>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
            re.I,
        ),
    ),
]
_PRECISION = {
    "iso": "day",
    "dmy": "day",
    "mdy": "day",
    "dm": "day",
    "md": "day",
    "my": "month",
    "y": "year",
    "rel": "day",
    "wd": "day",
}


class DateMention(NamedTuple):
    """A date expression found in text; `date` is its first day, resolved where possible."""

    start: int
    end: int
    text: str
    date: dt.date | None
    precision: str  # "day", "month" or "year"
    explicit_year: bool


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


EARLIEST = dt.date(1900, 1, 1)


def sane_date(date: dt.date | None, *, today: dt.date | None = None) -> dt.date | None:
    """Return date if it lies between 1900 and a year from today, else None (a feed's 9999-12-31 or
    0001-01-01 is no publication date, and must not lead /latest)."""
    latest = (today or dt.date.today()) + dt.timedelta(days=366)
    return date if date is not None and EARLIEST <= date <= latest else None


def _shift(reference: dt.date, days: int) -> dt.date | None:
    try:
        return reference + dt.timedelta(days=days)
    except OverflowError:  # "tomorrow" on 9999-12-31
        return None


def _resolve(kind: str, m: re.Match[str], reference: dt.date | None) -> tuple[dt.date | None, bool]:
    g = m.groupdict()
    if kind == "iso":
        return _safe_date(int(g["y"]), int(g["m"]), int(g["d"])), True
    if kind in ("dmy", "mdy"):
        return _safe_date(int(g["y"]), _month(g["m"]), int(g["d"])), True
    if kind == "my":
        return _safe_date(int(g["y"]), _month(g["m"]), 1), True
    if kind == "y":
        return dt.date(int(g["y"]), 1, 1), True
    if reference is None:
        return None, False
    if kind in ("dm", "md"):
        return _safe_date(reference.year, _month(g["m"]), int(g["d"])), False
    if kind == "rel":
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[g["r"].lower()]
        return _shift(reference, shift), False
    weekday = _WEEKDAYS.index(g["w"].lower())
    qualifier = (g["q"] or "").lower()
    back = (reference.weekday() - weekday) % 7
    if qualifier == "next":
        return _shift(reference, (weekday - reference.weekday()) % 7 or 7), False
    if qualifier == "last":
        back = back or 7
    return _shift(reference, -back), False


def find_dates(text: str, reference: dt.date | None = None) -> list[DateMention]:
    """Return the date expressions in text, in order, the longest where two overlap.

    Expressions without a year ("June 5", "yesterday", "last Monday") are resolved against
    `reference` (the article's date); without one their `date` is None.
    """
    return list(_find_dates(text, reference))


@functools.lru_cache(maxsize=8192)  # answers read the same sentences again and again
def _find_dates(text: str, reference: dt.date | None) -> tuple[DateMention, ...]:
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if kind == "wd" and not m.group("q"):
                start = m.start("w")
            if kind == "y":
                start = m.start("y")
            date, explicit = _resolve(kind, m, reference)
            found.append(DateMention(start, end, text[start:end].strip(), date, _PRECISION[kind], explicit))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[DateMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return tuple(kept)


def first_full_date(text: str) -> dt.date | None:
    """Return the first date in text that names a day, month and year, or None."""
    for mention in find_dates(text):
        if mention.precision == "day" and mention.explicit_year and mention.date:
            return mention.date
    return None


def parse_date(value: object) -> dt.date | None:
    """Parse a metadata date: a date/datetime, ISO 8601, RFC 2822, or '26-FEB-1987' style."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in ("%d-%b-%Y", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y"):
        try:
            return dt.datetime.strptime(text.split()[0] if fmt == "%d-%b-%Y" else text, fmt).date()
        except (ValueError, IndexError):
            continue
    return first_full_date(text)
