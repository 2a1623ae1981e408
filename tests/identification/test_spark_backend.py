"""The Spark backend (for national scale) links the same files to the same children as the
embedded DuckDB backend: the model is Python settings code rendered for each backend, so
nothing trained on one needs translating for the other. Spark runs here in local mode."""

from __future__ import annotations

import pytest

from kinlink.identification.linkage import engine, synthetic
from kinlink.identification.linkage.prepare import records_from_frame

pytestmark = pytest.mark.spark


def test_spark_in_local_mode_finds_the_same_links_as_duckdb():
    data = synthetic.generate(800, seed=2)
    found = {}
    for backend in ("duckdb", "spark"):
        result = engine.link(
            records_from_frame(data.ledger, name="ledger"),
            records_from_frame(data.roster, name="roster"),
            engine.LinkOptions(backend=backend),
        )
        found[backend] = set(zip(result.matches.left_id, result.matches.right_id, strict=True))
    assert engine.pairwise_scores(found["spark"], data.true_links)["f1"] >= 0.98
    assert len(found["spark"] ^ found["duckdb"]) <= 0.01 * len(found["duckdb"])
