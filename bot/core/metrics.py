"""Prometheus metrics (telegram.metrics): question latency, replies by kind, ingest passes and failing
sources, and — read at each scrape — the outbox by status, the articles stored and the passages served."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class State(NamedTuple):
    """How to read, at each scrape, what is not counted as it happens."""

    outbox: Callable[[], dict[str, int]]  # deliveries by status
    articles: Callable[[], int]
    passages: Callable[[], int]  # in the index being served


class _State(Collector):
    """What the database and the index say now."""

    def __init__(self, read: State) -> None:
        self.read = read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        outbox = GaugeMetricFamily("newsbot_outbox", "Deliveries by status", labels=["status"])
        for status, count in sorted(self.read.outbox().items()):
            outbox.add_metric([status], count)
        yield outbox
        yield GaugeMetricFamily("newsbot_articles", "Articles stored", value=self.read.articles())
        served = self.read.passages()
        yield GaugeMetricFamily("newsbot_index_passages", "Passages in the index being served", value=served)


class Metrics:
    """One registry per app (tests run several apps in one process)."""

    def __init__(self, read: State) -> None:
        self.registry = CollectorRegistry()
        self.question_seconds = Histogram(
            "newsbot_question_seconds",
            "Time from a question to its reply being ready",
            buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=self.registry,
        )
        self.replies = Counter(
            "newsbot_replies", "Replies to questions, by kind", ["kind"], registry=self.registry
        )
        self.ingest_seconds = Histogram(
            "newsbot_ingest_pass_seconds", "Duration of an ingest pass", registry=self.registry
        )
        self.source_failures = Counter(
            "newsbot_source_failures",
            "Failed fetches or loads, by source",
            ["source"],
            registry=self.registry,
        )
        self.registry.register(_State(read))

    def render(self) -> bytes:
        """Return the metrics in Prometheus's text format."""
        return generate_latest(self.registry)
