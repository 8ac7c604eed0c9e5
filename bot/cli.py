"""`newsbot`: a thin command line over the library (ingest, index, ask, chat, eval, start, run; the
operations commands are in bot/operations.py, the sources commands in bot/sources.py)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot import operations, sources
from bot.config import TOKEN_ENV, AppConfig, load_config
from bot.core.services import Newsbot
from bot.core.state import FOLLOW_UP_S
from bot.errors import BotError, ConfigError, UsageError
from bot.render import render_text
from corpus import CorpusError
from index import NewsIndexError, QuestionError, is_follow_up

log = logging.getLogger("newsbot")


@contextmanager
def _progress(desc: str) -> Iterator[Callable[[int, int], None]]:
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=desc, unit="passage", file=sys.stderr, dynamic_ncols=True)
        if done != bar.n:  # drawn once per step, not twice
            bar.update(done - bar.n)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()


@contextmanager
def _phases() -> Iterator[Callable[[str, int, int | None], None]]:
    """Yield a progress callback drawing one bar per phase ("reading", "storing": articles/s)."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(phase: str, done: int, total: int | None) -> None:
        bar = bars.get(phase)
        if bar is None:
            for other in bars.values():
                other.close()
            bar = bars[phase] = tqdm(
                total=total, desc=phase, unit="article", file=sys.stderr, dynamic_ncols=True
            )
        if total is not None and bar.total != total:
            bar.total = total
        if done != bar.n:
            bar.update(done - bar.n)

    try:
        yield update
    finally:
        for bar in bars.values():
            bar.close()


def _ready(app: Newsbot) -> None:
    with _progress("embedding") as progress:
        report = app.ensure_index(progress)
    if report is not None:
        print(
            f"built the index: {report.passages} passages from {report.added} articles "
            f"in {report.seconds:.1f}s",
            file=sys.stderr,
        )


def cmd_ingest(app: Newsbot, args: argparse.Namespace) -> int:
    """Fetch the sources once, store new articles (queueing their deliveries) and update the index."""
    failed = 0
    with _phases() as progress:
        reports = app.ingest(progress)
    for r in reports:
        failed += bool(r.error and not r.backing_off_until)
        print(r.describe())
    if not args.no_index:
        with _progress("embedding") as progress:
            report = app.update_index(progress=progress)
        print(f"index: {report.passages} passages ({report.embedded} embedded)")
    return 1 if failed and failed == len(app.config.sources) else 0


def cmd_index(app: Newsbot, args: argparse.Namespace) -> int:
    """Build the index, or update it with what changed in the store."""
    if app.store.count() == 0:
        app.ingest()
    with _progress("embedding") as progress:
        r = app.update_index(rebuild=args.rebuild, progress=progress)
    state = f"version {r.version.name}" if r.version else "already up to date"
    articles = (
        f"rebuilt from scratch: {r.added + r.changed + r.unchanged} articles"  # nothing counts as new
        if args.rebuild
        else f"{r.added} added, {r.changed} changed, {r.removed} removed, {r.unchanged} unchanged articles"
    )
    print(f"{articles}; {r.passages} passages ({r.embedded} embedded) in {r.seconds:.1f}s; {state}")
    return 0


def cmd_ask(app: Newsbot, args: argparse.Namespace) -> int:
    """Answer one question, or (with --json and no question) one question a line from stdin."""
    if args.question:
        questions: list[str] | Iterator[str] = [" ".join(args.question)]
    elif args.json:
        questions = (line.rstrip("\n") for line in sys.stdin)
    else:
        raise UsageError("ask: give a question, or use --json to read questions from stdin")
    _ready(app)
    status = 0
    for q in questions:
        if not q.strip() and not args.question:
            continue
        try:
            answer = app.engine.ask(q, article_id=args.article)
        except QuestionError as exc:
            status = 1
            if args.json:
                print(json.dumps({"question": q, "error": str(exc)}), flush=True)
            else:
                print(f"newsbot: {exc}", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(render_text(answer, app.store.latest(app.config.telegram.latest_count)))
    return status


def cmd_chat(app: Newsbot, args: argparse.Namespace, *, ready: bool = False) -> int:
    """Chat in the console over the same engine as the bot; a follow-up ("and when was that?") is asked of
    the last answer's article first, as a reply is in Telegram."""
    if not ready:
        _ready(app)
    interactive = sys.stdin.isatty()
    last: tuple[str, float] | None = None  # the last answer's article, and when
    if interactive:
        print(f"newsbot: ask about the news ({app.store.count()} articles). Ctrl-D to leave.")
    while True:
        try:
            line = input("> " if interactive else "")
        except EOFError:
            break
        if not line.strip():
            continue
        if line.strip().startswith("/"):  # the bot's commands mean nothing here: say what does
            print(
                "In the console, just type a question (or “latest news”, “summarize …”); Ctrl-D to leave.\n"
            )
            continue
        about = None
        if last is not None and is_follow_up(line) and time.monotonic() - last[1] < FOLLOW_UP_S:
            about = last[0]
        try:
            answer = app.engine.ask(line, article_id=about)
        except QuestionError as exc:
            print(str(exc))
            continue
        if answer.article_id:
            last = (answer.article_id, time.monotonic())
        print(render_text(answer, app.store.latest(app.config.telegram.latest_count)))
        print(flush=True)
    return 0


def cmd_eval(app: Newsbot, args: argparse.Namespace) -> int:
    """Score the engine on a questions YAML."""
    from bot.evaluate import evaluate, load_cases, summarize

    cases = load_cases(Path(args.file))
    _ready(app)
    results = evaluate(app.engine, cases)
    summary = summarize(results)
    if args.json:
        print(
            json.dumps(
                {
                    "summary": summary,
                    "results": [{"q": r.case.q, "correct": r.correct, **r.reply.to_dict()} for r in results],
                },
                ensure_ascii=False,
            )
        )
    else:
        for r in results:
            got = r.reply.answer or (r.reply.sentence or "")[:60] if r.reply.answered else "(declined)"
            print(f"{'PASS' if r.correct else 'FAIL'}  {r.case.q}  ->  {got}")
        print(" ".join(f"{k}={v}" for k, v in summary.items()))
    if args.fail_under is not None and summary["correct"] / max(1, summary["questions"]) < args.fail_under:
        return 1
    return 0


def cmd_run(app: Newsbot, args: argparse.Namespace) -> int:
    """Run the Telegram bot (token from TELEGRAM_BOT_TOKEN)."""
    from bot.telegram import read_token, run

    read_token()  # fail before any work when the token is missing
    app.close()  # the bot opens its own services in post_init
    logging.getLogger().setLevel(app.config.log_level)
    run(app.config, webhook=True if args.webhook else None, port=getattr(args, "port", None))
    return 0


def cmd_start(app: Newsbot, args: argparse.Namespace) -> int:
    """Run the main job: the Telegram bot when TELEGRAM_BOT_TOKEN is set, else ingest, index and chat. With an
    index already built, the chat answers from it at once while the sources are read in the background."""
    if os.environ.get(TOKEN_ENV):
        args.webhook = False
        return cmd_run(app, args)
    if app.engine.status().ok:
        refresh = threading.Thread(target=_refresh, args=(app,), name="ingest", daemon=True)
        refresh.start()
        code = cmd_chat(app, args, ready=True)
        refresh.join()  # the pass in progress ends before the store closes
        return code
    with _phases() as progress:
        reports = app.ingest(progress)
    for r in reports:
        if r.error:
            print(f"newsbot: source {r.source!r} failed: {r.error}", file=sys.stderr)
    added, changed = sum(r.added for r in reports), sum(r.changed for r in reports)
    print(f"ingest: {added} new, {changed} changed, from {len(reports)} source(s)", file=sys.stderr)
    with _progress("embedding") as progress:
        report = app.update_index(progress=progress)
    print(
        f"index: {report.passages} passages, {report.embedded} embedded in {report.seconds:.1f}s",
        file=sys.stderr,
    )
    return cmd_chat(app, args, ready=True)


def _refresh(app: Newsbot) -> None:
    """Ingest and update the index behind a chat that already answers (the engine switches when done)."""
    try:
        reports = app.ingest()
        if (
            any(r.added or r.changed or r.removed for r in reports)
            or app.engine.status(app.store.hashes()).lags
        ):
            report = app.update_index()
            log.info(
                "index updated in the background: %d passages, %d embedded", report.passages, report.embedded
            )
    except (CorpusError, NewsIndexError) as exc:
        log.warning("background ingest failed: %s", exc)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of `newsbot`."""
    parser = argparse.ArgumentParser(prog="newsbot", description="Answers questions about the news.")
    parser.add_argument("--config", type=Path, help="config file (default: $NEWSBOT_CONFIG or ./config.yaml)")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log at log_level (console commands: warnings only)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help=cmd_ingest.__doc__)
    p.add_argument("--no-index", action="store_true", help="only store the articles")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("index", help=cmd_index.__doc__)
    p.add_argument("--rebuild", action="store_true", help="re-embed everything")
    p.set_defaults(func=cmd_index)
    p = sub.add_parser("ask", help=cmd_ask.__doc__)
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--article", help="ask about this article id first")
    p.set_defaults(func=cmd_ask)
    sub.add_parser("chat", help=cmd_chat.__doc__).set_defaults(func=cmd_chat)
    p = sub.add_parser("eval", help=cmd_eval.__doc__)
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--fail-under", type=float, help="exit 1 when the share correct is below this")
    p.set_defaults(func=cmd_eval)
    operations.register(sub)
    sub.add_parser("start", help=cmd_start.__doc__).set_defaults(func=cmd_start)
    sources.register(sub)
    p = sub.add_parser("run", help=cmd_run.__doc__)
    p.add_argument("--webhook", action="store_true", help="use a webhook instead of long polling")
    p.add_argument("--port", type=int, help="webhook port (default: telegram.webhook_port); one per replica")
    p.set_defaults(func=cmd_run)
    return parser


def _setup_logging(config: AppConfig, args: argparse.Namespace) -> None:
    """The bot logs at log_level; console commands show warnings and errors only, unless --verbose."""
    from bot import logs

    serving = args.command == "run" or (args.command == "start" and bool(os.environ.get(TOKEN_ENV)))
    quiet = not (serving or args.verbose)
    logs.setup(
        "WARNING" if quiet and config.log_level in ("DEBUG", "INFO") else config.log_level, config.log_format
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command line; errors are one line on stderr and a non-zero exit."""
    args = build_parser().parse_args(argv)
    try:
        config = load_config(args.config)
        _setup_logging(config, args)
        app = Newsbot(config)
        try:
            return args.func(app, args)
        finally:
            app.close()
    except ConfigError as exc:
        print(f"newsbot: config error: {exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 2
    except (BotError, CorpusError, NewsIndexError) as exc:
        print(f"newsbot: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
