"""`newsbot eval`: score the engine on a questions YAML (question, expected article, answers)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.errors import UsageError
from index import Answer, Engine


@dataclass(frozen=True, slots=True, kw_only=True)
class EvalCase:
    """One question with what a user expects."""

    q: str
    article: str | None = None  # a substring of the title of the article holding the answer
    answer: tuple[str, ...] = ()  # acceptable answer strings, any one (case-insensitive)
    unanswerable: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseResult:
    """How the engine did on one case."""

    case: EvalCase
    reply: Answer
    article_ok: bool
    answer_ok: bool

    @property
    def correct(self) -> bool:
        """Return True when the case is passed as a whole."""
        if self.case.unanswerable:
            return not self.reply.answered
        return self.reply.answered and self.article_ok and self.answer_ok


def load_cases(path: Path) -> list[EvalCase]:
    """Read a questions YAML (a list of {q, article, answer, unanswerable})."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read questions {path}: {exc}") from exc
    if not isinstance(data, list):
        raise UsageError(f"{path}: expected a list of questions")
    cases = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise UsageError(f"{path}[{i}]: each entry needs a 'q' question")
        unknown = set(item) - {"q", "article", "answer", "unanswerable"}
        if unknown:
            raise UsageError(f"{path}[{i}].{sorted(unknown)[0]}: unknown key")
        cases.append(
            EvalCase(
                q=item["q"],
                article=item.get("article"),
                answer=tuple(str(a) for a in item.get("answer") or ()),
                unanswerable=bool(item.get("unanswerable", False)),
            )
        )
    return cases


def judge(case: EvalCase, reply: Answer) -> CaseResult:
    """Return whether the reply cites the right article first and holds an accepted answer: in the short
    answer itself when one is given in bold (a wrong bold answer fails even if its sentence is right),
    else in the supporting sentence."""
    top = reply.sources[0].title.lower() if reply.sources else ""
    article_ok = case.article is None or (bool(top) and case.article.lower() in top)
    text = (reply.answer or reply.sentence or "").lower()
    answer_ok = not case.answer or any(a.lower() in text for a in case.answer)
    return CaseResult(case=case, reply=reply, article_ok=article_ok, answer_ok=answer_ok)


def evaluate(engine: Engine, cases: list[EvalCase]) -> list[CaseResult]:
    """Ask every question and judge each reply."""
    return [judge(case, engine.ask(case.q)) for case in cases]


def summarize(results: list[CaseResult]) -> dict[str, float | int]:
    """Return article@1, answer accuracy, and how often each kind of question was declined."""
    answerable = [r for r in results if not r.case.unanswerable]
    with_article = [r for r in answerable if r.case.article is not None]
    unanswerable = [r for r in results if r.case.unanswerable]

    def rate(items: list[CaseResult], ok: object) -> float:
        return round(sum(1 for r in items if ok(r)) / len(items), 4) if items else 0.0

    return {
        "questions": len(results),
        "correct": sum(r.correct for r in results),
        "article_at_1": rate(with_article, lambda r: r.reply.answered and r.article_ok),
        "answer_accuracy": rate(answerable, lambda r: r.correct),
        "unanswerable_declined": rate(unanswerable, lambda r: not r.reply.answered),
        "answerable_declined": rate(answerable, lambda r: not r.reply.answered),
    }
