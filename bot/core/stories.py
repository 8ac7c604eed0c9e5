"""Stories: one event reported by several outlets, grouped at ingest by the embedding of each article's
title and lead, a time window and shared title words (the threshold: benchmarks/stories.py).

A story is headed by its most trusted member, then its earliest (a copy never heads the original); an
alert of a member keeps the story's other alerts from a chat only when that member's source ranks at
least as high; and a member whose text changes beyond the story's match leaves it."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import NamedTuple

import numpy as np

from corpus import Article, Store, Tx
from corpus.database import select_in
from index import Answer, Source, content_stems

THRESHOLD = 0.77  # false merges 0.18% of pairs, same-story pairs grouped 13% (benchmarks/stories.py)
WINDOW_DAYS = 3  # articles further apart are never one story
TITLE_BONUS = 0.1  # added for titles sharing all words of the shorter one


Rank = tuple[bool, int]  # a source's (trusted, priority): corpus.SourceConfig.rank


def now_token() -> str:
    """Return a story id suffix unique enough for a member leaving its story."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")


class Sibling(NamedTuple):
    """Another outlet's article of the same story."""

    article_id: str
    title: str
    url: str
    source: str


def pair_score(title_a: str, va: np.ndarray, title_b: str, vb: np.ndarray) -> float:
    """Return how alike two articles are: their lead cosine plus a share of TITLE_BONUS for shared title words."""
    ta, tb = set(content_stems(title_a)), set(content_stems(title_b))
    overlap = len(ta & tb) / max(1, min(len(ta), len(tb)))
    return float(va @ vb) + TITLE_BONUS * overlap


def _pack(vector: np.ndarray) -> str:
    return base64.b64encode(vector.astype(np.float16).tobytes()).decode()


def _unpack(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.float16).astype(np.float32)


class Stories:
    """The stories table: each stored article's story id and lead vector (float16)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def assign(self, fresh: list[Article], vectors: Iterable[np.ndarray]) -> dict[str, tuple[str, str]]:
        """Return {article id: (story id, packed vector)} for new articles: the story of the most alike
        stored or fresh article within the window, if alike enough, else a story of their own (read-only)."""
        fresh_vectors = list(vectors)
        dates = [a.published for a in fresh if a.published]
        known: list[tuple[str, dt.date, np.ndarray, str]] = []  # title, date, lead vector, story
        if dates:
            low, high = (
                min(dates) - dt.timedelta(days=WINDOW_DAYS),
                max(dates) + dt.timedelta(days=WINDOW_DAYS),
            )
            with self.store.transaction() as tx:
                rows = tx.execute(
                    "SELECT a.title, a.published, s.vector, s.story_id FROM stories s "
                    "JOIN articles a ON a.id = s.article_id WHERE a.published BETWEEN ? AND ?",
                    (low.isoformat(), high.isoformat()),
                ).fetchall()
            known = [(title, dt.date.fromisoformat(day), _unpack(v), story) for title, day, v, story in rows]
        out: dict[str, tuple[str, str]] = {}
        for article, vector in zip(fresh, fresh_vectors, strict=True):
            best, story = THRESHOLD, article.id
            if article.published is not None:
                for title, day, other_vector, other_story in known:
                    if abs((article.published - day).days) > WINDOW_DAYS:
                        continue
                    score = pair_score(article.title, vector, title, other_vector)
                    if score >= best:
                        best, story = score, other_story
                known.append((article.title, article.published, vector, story))
            out[article.id] = (story, _pack(vector))
        return out

    @staticmethod
    def record(db: Tx, assigned: dict[str, tuple[str, str]], article_ids: Iterable[str]) -> None:
        """Store the story of each of these (just added) articles, in the ingest's transaction."""
        for aid in article_ids:
            if aid in assigned:
                story, vector = assigned[aid]
                db.execute("INSERT INTO stories VALUES (?,?,?) ON CONFLICT DO NOTHING", (aid, story, vector))

    @staticmethod
    def told(db: Tx, article: Article, rank: Callable[[str], Rank]) -> set[int]:
        """Return the chats that have (or will get) an alert of another article of this article's story
        from a source ranking at least as high (an untrusted look-alike never silences a trusted alert)."""
        rows = db.execute(
            "SELECT DISTINCT o.chat_id, a.source FROM outbox o JOIN stories s ON s.article_id = o.article_id "
            "JOIN articles a ON a.id = o.article_id "
            "WHERE s.story_id = (SELECT story_id FROM stories WHERE article_id = ?) AND o.article_id <> ?",
            (article.id, article.id),
        ).fetchall()
        mine = rank(article.source)
        return {chat for chat, source in rows if rank(source) >= mine}

    @staticmethod
    def recheck(db: Tx, article: Article, vector: np.ndarray) -> bool:
        """After an article's text changed: keep it in its story if its new title and lead still match
        another member, else give it a story of its own; store its new vector. Return True if it left."""
        row = db.execute("SELECT story_id FROM stories WHERE article_id = ?", (article.id,)).fetchone()
        if row is None:
            return False
        others = db.execute(
            "SELECT a.title, s.vector FROM stories s JOIN articles a ON a.id = s.article_id "
            "WHERE s.story_id = ? AND s.article_id <> ?",
            (row[0], article.id),
        ).fetchall()
        still = not others or any(
            pair_score(article.title, vector, title, _unpack(v)) >= THRESHOLD for title, v in others
        )
        story = row[0] if still else article.id
        if not still and row[0] == article.id:  # it headed the story: the others keep it, under a new id
            story = f"{article.id}:{now_token()}"
        db.execute(
            "UPDATE stories SET story_id = ?, vector = ? WHERE article_id = ?",
            (story, _pack(vector), article.id),
        )
        return not still

    def siblings(self, article_id: str) -> list[Sibling]:
        """Return the other articles of an article's story, oldest first."""
        with self.store.transaction() as tx:
            rows = tx.execute(
                "SELECT a.id, a.title, a.url, a.source FROM stories s JOIN articles a ON a.id = s.article_id "
                "WHERE s.story_id = (SELECT story_id FROM stories WHERE article_id = ?) AND a.id <> ? "
                "ORDER BY a.first_seen",
                (article_id, article_id),
            ).fetchall()
        return [Sibling(*r) for r in rows]

    def story_of(self, article_ids: list[str]) -> dict[str, str]:
        """Return {article id: story id} for those of these articles that have one."""
        with self.store.transaction() as tx:
            sql = "SELECT article_id, story_id FROM stories WHERE article_id IN ({marks})"
            return dict(select_in(tx, sql, article_ids))


def newest_stories(
    store: Store,
    stories: Stories,
    n: int,
    rank: Callable[[str], Rank] = lambda _: (True, 0),
    *,
    hidden: frozenset[str] = frozenset(),
) -> tuple[list[Article], dict[str, int]]:
    """Return the n newest stories, each as its head (the most trusted member, then the earliest), and
    how many other outlets (distinct sources) each story has; articles of `hidden` sources are left out."""
    pool = [a for a in store.latest(n * 5 + (50 if hidden else 0)) if a.source not in hidden]
    story = stories.story_of([a.id for a in pool])
    members: dict[str, list[Article]] = {}
    for article in pool:  # newest first: the stories come out in the order of their newest member
        members.setdefault(story.get(article.id, article.id), []).append(article)
    out, counts = [], {}
    for group in list(members.values())[:n]:
        head = max(group, key=lambda a: (rank(a.source), -_day(a), group.index(a)))  # newest-first order
        out.append(head)
        others = {a.source for a in group} - {head.source}
        if others:
            counts[head.id] = len(others)
    return out, counts


def _day(article: Article) -> int:
    return article.published.toordinal() if article.published else 0


def trusted_citation(
    answer: Answer, siblings: list[Sibling], get: Callable[[str], Article | None], rank: Callable[[str], Rank]
) -> tuple[Answer, list[Sibling]]:
    """Return the answer citing the most trusted article of its story (`siblings`: the others; `get`: an
    article by id) whose text holds its sentence — a copy never speaks for the original — and the story's
    other articles."""
    assert answer.article_id is not None
    if not siblings or not answer.sentence:
        return answer, siblings
    cited = get(answer.article_id)
    if cited is None:
        return answer, siblings
    wanted = " ".join(answer.sentence.split()).rstrip(".!?…\"'”’ ")  # a copy may cut a sentence short
    best: Article | None = None
    for sibling in sorted(siblings, key=lambda s: rank(s.source), reverse=True):  # stable: oldest first
        if rank(sibling.source) <= rank(cited.source):
            break
        other = get(sibling.article_id)
        if other is not None and wanted in " ".join(other.text.split()):
            best = other
            break
    if best is None:
        return answer, siblings
    first = answer.sources[0]
    source = Source(
        article_id=best.id,
        title=best.title,
        date=best.published.isoformat() if best.published else None,
        url=best.url,
        snippet=first.snippet,
        score=first.score,
        outlet=best.source,
    )
    rest = [s for s in answer.sources[1:] if s.article_id != best.id]
    also = [Sibling(cited.id, cited.title, cited.url, cited.source)] + [
        s for s in siblings if s.article_id != best.id
    ]
    return dataclasses.replace(answer, sources=(source, *rest)), also
