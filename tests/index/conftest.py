"""Fixtures of the index tests: the bundled corpus indexed through index's own face (no bot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import SourceConfig, load_source
from index import Engine, IndexConfig, SearchConfig, build_index
from index.encoders.hashing import HashingEncoder
from tests.conftest import BUNDLED


@pytest.fixture
def hashing_engine(tmp_path: Path) -> Engine:
    """Return an engine over the bundled corpus with the fast deterministic encoder (every typed answer in
    bold: the answer model was fitted on MiniLM's cosines, not on this encoder's)."""
    source = SourceConfig(name="selec", type="textpage", path=str(BUNDLED), url="https://www.selec.org/news")
    encoder = HashingEncoder()
    build_index(load_source(source), tmp_path / "index", encoder, IndexConfig())
    return Engine(tmp_path / "index", encoder, SearchConfig(bold_confidence=0.0))
