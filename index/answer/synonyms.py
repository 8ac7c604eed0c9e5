"""Words the news uses for the same thing ("seized" / "confiscated", "set up" / "established"), so that a
question in other words still finds its sentence.

A hand-written list of common news verbs and nouns (public knowledge, like gazetteer.py); a synonym
counts for less than the question's own word (terms.QuestionTerms.coverage).
"""

from __future__ import annotations

import functools

from index.text import content_stems

_GROUPS = """
seize confiscate impound
arrest apprehend detain
found establish create set form
coordinate lead head run chair direct manage oversee
meet met visit
kill killed die died dead death
ban prohibit outlaw
sue lawsuit
buy bought acquire purchase
win won victory
resign quit
elect vote
hold held organize host
sign agreement
attack strike
injure wound hurt
begin start launch
end finish conclude
name appoint nominate
help assist support
revise update amend
increase rise rose raise grow grew
decrease fall fell drop cut decline
fire dismiss
director chief
company firm
country nation
city town
people person individual
move transport carry ship
praise appreciate commend thank
highlight stress underline emphasize
""".strip().splitlines()


@functools.cache
def _table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for line in _GROUPS:
        stems = {s for word in line.split() for s in content_stems(word)}
        for stem in stems:
            table.setdefault(stem, set()).update(stems - {stem})
    return {stem: frozenset(others) for stem, others in table.items()}


def asked(stem: str, stems: set[str]) -> bool:
    """Return True when `stem` or a synonym of it is among `stems` (the question's)."""
    return stem in stems or bool(synonyms(stem) & stems)


def synonyms(stem: str) -> frozenset[str]:
    """Return the stems that mean what `stem` means in the news (without stem itself)."""
    return _table().get(stem, frozenset())
