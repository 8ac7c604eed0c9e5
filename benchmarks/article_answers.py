"""Questions asked about one article (`newsbot ask --article ID`, a reply to an answer or alert:
`Engine.ask(question, article_id=...)`), on the held-out split of RealTimeQA-silver: each question asked
of the source article that holds its answer string (questions none of whose sources holds it are left out).

    .venv/bin/python benchmarks/silver_index.py dev   # once
    .venv/bin/python benchmarks/article_answers.py [--split dev] [--reader/--no-reader]

Prints the share of questions whose answer is in bold (and wrong bold), whose shown sentence holds the
answer, whose reply holds it anywhere, that were declined, and whose reply cites another article (the
engine falls back to the whole index when the article does not answer).
"""

from __future__ import annotations

import argparse

from common import canon, silver_index  # type: ignore[import-not-found]

from index import Engine, SearchConfig


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=["dev", "train"], default="dev")
    parser.add_argument("--reader", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    docs, qs, encoder, root, _ = silver_index(args.split)
    by_url = {canon(a.url): a for a in docs}
    engine = Engine(root, encoder.inner, SearchConfig(), reader=args.reader)
    counts = dict.fromkeys(
        ["asked", "bold_ok", "bold_wrong", "sentence_ok", "reply_ok", "declined", "other"], 0
    )
    for q in qs:
        answer = q["answer"].lower()
        holding = [
            by_url[canon(u)]
            for u in q["source_urls"]
            if canon(u) in by_url and answer in by_url[canon(u)].body.lower()
        ]
        if not holding:
            continue
        article = holding[0]
        a = engine.ask(q["question"], article_id=article.id)
        bold = (a.answer or "").lower()
        sentence = (a.sentence or "").lower()
        counts["asked"] += 1
        counts["bold_ok"] += bool(bold) and answer in bold
        counts["bold_wrong"] += bool(bold) and answer not in bold
        counts["sentence_ok"] += answer in sentence
        counts["reply_ok"] += a.answered and answer in f"{bold} {sentence}"
        counts["declined"] += not a.answered
        counts["other"] += bool(a.sources) and a.sources[0].article_id != article.id
    n = counts.pop("asked")
    print(f"RealTimeQA-silver {args.split}, each question asked of its answer's article: {n} questions")
    for key, value in counts.items():
        print(f"  {key:12} {value / n:.3f}")


if __name__ == "__main__":
    main()
