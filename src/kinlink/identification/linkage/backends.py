"""Where Splink runs: an in-process DuckDB (the default) or a Spark session.

The model is Python settings code (model.py) that Splink renders for each backend, so nothing
trained on one backend needs translating for the other.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

BACKENDS = ("duckdb", "spark")


def database_api(backend: str) -> Any:
    """A fresh Splink database API for `backend` ("duckdb" or "spark")."""
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect(":memory:")
        connection.execute("SET enable_progress_bar = false")  # our own progress goes to stderr
        # A cap on DuckDB's memory, spilling to a temporary directory beyond it, so that a
        # province-sized link fits beside the web server.
        memory = os.environ.get("KINLINK_LINKAGE_MEMORY", "2GB")
        if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", memory, flags=re.IGNORECASE):
            raise ValueError(f"KINLINK_LINKAGE_MEMORY must look like 2GB, not {memory!r}")
        connection.execute(f"SET memory_limit = '{memory}'")
        connection.execute(f"SET temp_directory = '{tempfile.mkdtemp(prefix='kinlink-link-')}'")
        threads = os.environ.get("KINLINK_LINKAGE_THREADS")
        if threads:
            connection.execute(f"SET threads = {int(threads)}")
        return DuckDBAPI(connection)
    if backend == "spark":
        from splink import SparkAPI

        return SparkAPI(spark_session=spark_session(), num_partitions_on_repartition=4)
    raise ValueError(f"unknown linkage backend {backend!r}; choose one of {', '.join(BACKENDS)}")


_SESSION: Any = None


def spark_session() -> Any:
    """A local Spark session with Splink's similarity functions registered (made once)."""
    global _SESSION
    if _SESSION is None:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        _SESSION = (
            SparkSession.builder.master(os.environ.get("KINLINK_SPARK_MASTER", "local[2]"))
            .appName("kinlink-linkage")
            .config("spark.jars", similarity_jar_location())
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", os.environ.get("KINLINK_SPARK_MEMORY", "2g"))
            .getOrCreate()
        )
        _SESSION.sparkContext.setLogLevel("ERROR")
        # Splink breaks long query lineages with checkpoints, which need a folder.
        _SESSION.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="kinlink-spark-"))
    return _SESSION
