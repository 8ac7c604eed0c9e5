"""Text helpers shared by passages, BM25 and answer extraction: sentences, words, stems."""

from __future__ import annotations

import functools
import re
import unicodedata

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st gen col lt sgt capt gov sen rep rev hon no nos vs etc inc ltd co corp "
    "dept jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e h.e u.s u.k u.n fig approx est mt ft".split()
)
_BOUNDARY = re.compile(r"([.!?…]+[\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+(?:['’][A-Za-z]+)?")

STOPWORDS = frozenset(
    "a about above after again against all am an and any are as at be because been before being below "
    "between both but by can could did do does doing down during each few for from further had has have "
    "having he her here hers herself him himself his how i if in into is it its itself just me more most "
    "my myself no nor not now of off on once only or other our ours ourselves out over own same she "
    "should so some such than that the their theirs them themselves then there these they this those "
    "through to too under until up very was we were what when where which while who whom whose why will "
    "with would you your yours yourself yourselves also s t don shall may might must us said says tell "
    "me please".split()
)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; paragraph breaks always end one; "Mr." and initials do not."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = paragraph.strip()
        start = 0
        for m in _BOUNDARY.finditer(paragraph):
            before = paragraph[start : m.start() + 1].split()
            last = before[-1].rstrip(".!?…").lower() if before else ""
            if m.group(1).startswith(".") and (last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
                continue
            sentences.append(paragraph[start : m.end(1)].strip())
            start = m.end()
        tail = paragraph[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences


def words(text: str) -> list[str]:
    """Return the word tokens of text, case kept."""
    return _WORD.findall(text)


@functools.cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


# Words British and American English spell differently get one spelling before stemming, so that
# "organised" and "organized", "defence" and "defense" are one term (TOKENIZER 4); applied alike to the
# news and to questions, so only true pairs merge. -ize becomes -ise (Snowball strips "-ize" as a suffix:
# "paradise" as "paradize" would be "parad", as "parade" is), the other endings become American.
_ONE_SPELLING = [
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"(?<=\w\w\w)iz(e|ed|es|ing|ation|ations|er|ers)$", r"is\1"),  # organize (not seize, prize)
        (r"(?<=\w)yz(e|ed|es|ing)$", r"ys\1"),  # analyze
        (r"(?<=\w\w\w)our(s|ed|ing|ite|ites|able|ful|er|ers)?$", r"or\1"),  # colour, behaviour
        (r"^(?!entre$)(\w\w+)tre(s)?$", r"\1ter\2"),  # centre, theatre, metre
        (r"^(def|off|lic|pret)ence(s)?$", r"\1ense\2"),  # defence, licence
        (r"(?<=\w\w)ogue(s)?$", r"og\1"),  # catalogue, dialogue
        (r"(?<=\w\w)amme(s)?$", r"am\1"),  # programme
    )
]
# the endings any of them rewrites: most words have none, and skip the rewrites
_ENDINGS = ("e", "ed", "es", "ing", "ation", "ations", "er", "ers")
_REWRITTEN_ENDINGS = (
    *(f"{stem}{end}" for stem in ("iz", "yz") for end in _ENDINGS),
    *(f"our{end}" for end in ("", "s", "ed", "ing", "ite", "ites", "able", "ful", "er", "ers")),
    *("tre", "tres", "ence", "ences", "ogue", "ogues", "amme", "ammes"),
)


def one_spelling(word: str) -> str:
    """Return the one spelling terms use for a lowercase word that British and American English spell
    differently ("organized" -> "organised", "colour" -> "color"); any other word as it is."""
    if not word.endswith(_REWRITTEN_ENDINGS):
        return word
    for pattern, repl in _ONE_SPELLING:
        word = pattern.sub(repl, word)
    return word


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return the English Snowball stem of a lowercase word, British and American spellings alike."""
    return _stemmer().stemWord(one_spelling(word))


def content_stems(text: str) -> list[str]:
    """Return the stems of the words of text that are not stopwords, in order."""
    if len(text) <= 64:  # words and short phrases recur across questions: cached
        return list(_content_stems_short(text))
    return _content_stems(text)


# The definition of a term, recorded with each BM25 index: an index made with another is rebuilt
# (index/builder.py). 2: a curly apostrophe is a straight one ("SELEC’s" -> "selec", was "selec’").
# 3 (1b0802c, in no release): British spellings as American ones. 4: British and American spellings are
# one term, -ize as -ise ("organized" -> "organis", was "organiz"; one_spelling). 5: letters lose their
# accents ("Michèle" and "Michele", "Nebojša" and "Nebojsa" are one term: people type names without them).
TOKENIZER = "index.text.content_stems/5"


def _term_word(word: str) -> str:
    """Return a word as a term sees it: lowercase, a curly apostrophe straight (TOKENIZER 2), without
    accents (TOKENIZER 5)."""
    word = word.lower().replace("’", "'")
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _content_stems(text: str) -> list[str]:
    out = []
    for w in words(text.replace("-", " ")):
        lw = _term_word(w)
        if lw not in STOPWORDS:
            out.append(stem(lw))
    return out


@functools.lru_cache(maxsize=200_000)
def _content_stems_short(text: str) -> tuple[str, ...]:
    return tuple(_content_stems(text))


# Interrogative words that carry no content of their own ("how many", "what is the name of").
QUESTION_FILLER = frozenset("many much often long far name kind sort type stand happen happened".split())


# Aggregators that only restate "how many": "how many partners ... in total".
_AGGREGATORS = re.compile(r"\b(?:in total|in all|overall|altogether|all together|so far|to date)\b", re.I)


# A question that ends asking for a name: "What is the program called?" ("called" is no term of it).
_NAMING = re.compile(r"\b(?:called|named)\W*$", re.I)


def question_stems(question: str) -> list[str]:
    """Return the content stems of a question, without interrogative filler ("how many", "name of",
    "in total", a closing "called")."""
    out = []
    for w in words(_NAMING.sub(" ", _AGGREGATORS.sub(" ", question)).replace("-", " ")):
        lw = _term_word(w)
        if lw not in STOPWORDS and lw not in QUESTION_FILLER:
            out.append(stem(lw))
    return out
