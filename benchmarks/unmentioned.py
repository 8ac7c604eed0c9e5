"""How often a question names what the news never mentions (index/answer/unmentioned.py: declined, saying
so), over real news questions that every one of their indexes can answer, and over the SELEC questions.

    .venv/bin/python benchmarks/silver_index.py train; .venv/bin/python benchmarks/silver_index.py dev
    .venv/bin/python benchmarks/unmentioned.py

Every RealTimeQA-silver question is answerable from its split's index, so each one declined here is a
wrong decline; the SELEC files mark their unanswerable questions, declined here or not.
"""

from __future__ import annotations

import glob
from pathlib import Path

import yaml
from common import ROOT, silver_index  # type: ignore[import-not-found]

from corpus.loaders.textpage import load_textpage
from index import Engine, IndexConfig, SearchConfig, build_index
from index.answer.unmentioned import unmentioned
from index.encoders.hashing import HashingEncoder
from index.snapshot import IndexData


def declined(data: IndexData, questions: list[str]) -> list[tuple[str, list[str]]]:
    """Return each question with names the index never mentions, with those names."""
    found = [(q, unmentioned(q, data.document_frequency, data.vocabulary)) for q in questions]
    return [(q, names) for q, names in found if names]


def main() -> None:
    for split in ("train", "dev"):
        _, qs, encoder, root, _ = silver_index(split)
        data = Engine(root, encoder.inner, SearchConfig()).data
        hits = declined(data, [q["question"] for q in qs])
        print(f"RealTimeQA-silver {split}: {len(hits)} of {len(qs)} answerable questions declined")
        for q, names in hits:
            print(f"  {names}: {q[:100]}")
    root = ROOT / "benchmarks" / "cache" / "unmentioned-selec"
    bundled = load_textpage(ROOT / "corpus" / "bundled" / "selec-news-2018.txt", source="selec")
    build_index(bundled, root, HashingEncoder(), IndexConfig())
    data = Engine(root, HashingEncoder(), SearchConfig()).data
    files = [ROOT.parent / "shared" / "eval" / "questions.yaml"]
    files += sorted(Path(p) for p in glob.glob(str(ROOT / "tests" / "data" / "selec_fresh*.yaml")))
    cases = [c for f in files for c in yaml.safe_load(f.read_text())]
    hits = dict(declined(data, [c["q"] for c in cases]))
    for kind, group in (("unanswerable", True), ("answerable", False)):
        mine = [c["q"] for c in cases if bool(c.get("unanswerable")) is group]
        print(f"SELEC {kind}: {sum(q in hits for q in mine)} of {len(mine)} declined")
    for q, names in hits.items():
        print(f"  {names}: {q}")


if __name__ == "__main__":
    main()
