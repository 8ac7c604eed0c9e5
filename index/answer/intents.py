"""What a message asks for before it is a question about a fact: small talk, another language, a list of
news (latest, a time window, a topic), a summary, or a yes/no question.

Pure functions over the text; the engine decides what to do with each intent.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from corpus.dates import find_dates
from index.text import STOPWORDS, words

_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|yo|good\s+(?:morning|afternoon|evening)|greetings|howdy|hallo|salut)"
    r"(?:\s+(?:there|bot|newsbot))?\s*[!.?🙂😊👋]*\s*$",
    re.I,
)
_THANKS = re.compile(
    r"^\s*(?:(?:many\s+)?thanks?(?:\s+(?:you|a lot|so much))*|thank\s+you(?:\s+(?:so|very)\s+much)?|thx|ty|"
    r"cheers|great|perfect|ok(?:ay)?|cool|nice|got it|bye|goodbye)\s*[!.🙂😊👍🙏]*\s*$",
    re.I,
)
# words frequent in each language and rare in English questions
_FOREIGN = {
    "Spanish": set(
        "el la los las de del que qué cuándo cuando dónde donde quién quien cómo como es son fue por para "
        "una un con en se su sus visitó noticias hay está".split()
    ),
    "German": set(
        "der die das und ist wann wer wo wie was hat den dem des ein eine einer nicht mit "
        "von zu im besuchte nachrichten gibt".split()
    ),
    "French": set(
        "le la les des du que quand qui où comment est sont une un avec dans pour a été "
        "visité nouvelles quel quelle".split()
    ),
    "Italian": set("il lo gli della che quando chi dove come è sono una con per ha visitato notizie".split()),
    "Portuguese": set("o os da do que quando quem onde como é são uma com para foi visitou notícias".split()),
}
_ENGLISH = STOPWORDS | {"what", "when", "who", "where", "which", "how", "why", "did", "does"}
_NEWS = re.compile(
    r"^\s*(?:(?:show|give|tell)\s+me\s+|(?:any|what(?:'s|\s+is)?)\s+)?(?:the\s+)?"
    r"(?:(?:latest|recent|new|newest|top|last)\s+)?(?:news|headlines|articles|stories|updates)\b(?P<rest>.*)$",
    re.I,
)
_WHATS_NEW = re.compile(r"^\s*(?:what'?s|what\s+is)\s+new\b(?P<rest>.*)$", re.I)
_HAPPENED = re.compile(r"^\s*what\s+(?:has\s+)?happened\s+(?P<rest>.+)$", re.I)
_RELATIVE = re.compile(
    r"\b(?:(?P<which>last|this|past|previous)\s+(?P<unit>week|month|year)|(?P<day>today|yesterday))\b", re.I
)
_TOPIC = re.compile(r"\b(?:about|on|regarding|concerning|from|in|of)\s+(?P<topic>[^?]+)", re.I)
_SUMMARY = re.compile(
    r"^\s*(?:please\s+)?(?:summari[sz]e|sum\s+up|give\s+me\s+a\s+summary\s+of|(?:a\s+)?summary\s+of|"
    r"tl;?dr(?:\s+of)?|recap)\s+(?P<topic>.+?)\s*[?.!]*$",
    re.I,
)
_YES_NO = re.compile(
    r"^\s*(?:did|does|do|is|are|was|were|has|have|had|can|could|will|would|should)\s+(?!you\b)\S", re.I
)


class NewsRequest(NamedTuple):
    """A request for a list of headlines: within [start, end] (inclusive) and/or about a topic."""

    start: dt.date | None
    end: dt.date | None
    topic: str | None
    label: str  # how the reply names the window or topic


def smalltalk(text: str) -> str | None:
    """Return a short reply to a greeting or thanks, or None."""
    if _GREETING.match(text):
        return "Hello! Ask me anything about the news I have — for example “latest news”."
    if _THANKS.match(text):
        return "You're welcome! Ask me another question any time."
    return None


def foreign_language(text: str) -> str | None:
    """Return the name of the language a question is written in when it is clearly not English."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(1 for c in letters if ord(c) > 0x24F) / len(letters) > 0.5:
        return "another language"
    tokens = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    if len(tokens) < 3:
        return None
    english = sum(t in _ENGLISH for t in tokens)
    best = max(_FOREIGN, key=lambda lang: sum(t in _FOREIGN[lang] for t in tokens))
    foreign = sum(t in _FOREIGN[best] for t in tokens)
    accented = any(c in "áéíóúñäöüßàèìòùçãõâêôë¿¡" for c in text.lower())
    if foreign >= 2 and (foreign > english or (accented and foreign >= english)):
        return best
    return None


def _window(text: str, today: dt.date) -> tuple[dt.date | None, dt.date | None, str]:
    m = _RELATIVE.search(text)
    if m:
        if m["day"]:
            day = today - dt.timedelta(days=m["day"].lower() == "yesterday")
            return day, day, m.group().lower()
        unit, which = m["unit"].lower(), m["which"].lower()
        days = {"week": 7, "month": 31, "year": 366}[unit]
        if which == "this":
            start = {
                "week": today - dt.timedelta(days=today.weekday()),
                "month": today.replace(day=1),
                "year": today.replace(month=1, day=1),
            }[unit]
            return start, today, m.group().lower()
        return today - dt.timedelta(days=days), today, m.group().lower()
    for d in find_dates(text):
        if d.date is None or not d.explicit_year:
            continue
        if d.precision == "year":
            return d.date, d.date.replace(month=12, day=31), d.text
        if d.precision == "month":
            nxt = (d.date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return d.date, nxt - dt.timedelta(days=1), d.text
        return d.date, d.date, d.text
    return None, None, ""


def news_request(text: str, today: dt.date) -> NewsRequest | None:
    """Return the list of news a message asks for ("latest news", "news from October 2018",
    "what happened last week", "news about Albania"), or None when it asks something else."""
    m = _NEWS.match(text) or _WHATS_NEW.match(text)
    happened = _HAPPENED.match(text)
    if not m and not (happened and (_RELATIVE.search(text) or _window(text, today)[0])):
        return None
    rest = (m or happened)["rest"]  # type: ignore[index]
    start, end, label = _window(rest, today)
    topic = None
    t = _TOPIC.search(rest)
    if t:
        candidate = t["topic"]
        if label:
            candidate = candidate.replace(label, " ")
        kept = [w for w in words(candidate) if w.lower() not in STOPWORDS and not find_dates(w)]
        kept = [w for w in kept if w.lower() not in {"week", "month", "year", "today", "yesterday", "news"}]
        topic = " ".join(kept) or None
    if topic:
        label = f"about {topic}" + (f", {label}" if label else "")
    return NewsRequest(start, end, topic, label or "latest")


def summary_request(text: str) -> str | None:
    """Return what a "summarize X" message wants summarised, or None."""
    m = _SUMMARY.match(text)
    return m["topic"] if m else None


def is_yes_no(text: str) -> bool:
    """Return True for a question answered by yes or no ("did SELEC hold a workshop in Sofia?")."""
    return bool(_YES_NO.match(text)) and not re.search(r"\b(?:or)\b", text, re.I)


_FOLLOW_START = re.compile(r"^\s*(?:and|also|so|then|what about|how about)\b[\s,]*", re.I)
_PRONOUN = re.compile(r"\b(?:there|it|its|that|this|they|them|their|he|she|him|his|her)\b", re.I)


def is_follow_up(text: str) -> bool:
    """Return True for a message that leans on the previous answer ("and when was that?", "who is the
    director there?"): it opens with "and"/"what about", or points back with a pronoun and says little."""
    if _FOLLOW_START.match(text):
        return True
    content = [w for w in words(text) if w.lower() not in STOPWORDS and len(w) > 2]
    return bool(_PRONOUN.search(text)) and len(content) <= 3


def in_context(question: str, title: str, place: str | None) -> str:
    """Return a follow-up rewritten for its article: "there" becomes the place the article is about,
    a leading "and" goes, and the title is added as context."""
    text = _FOLLOW_START.sub("", question) or question
    if place:
        text = re.sub(r"\bthere\b", f"at {place}", text, flags=re.I)
    return f"{text} ({title})"
