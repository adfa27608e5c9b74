"""Creating the local delta-spark session.

The Delta JARs are resolved once by scripts/setup-python.sh (Spark's own Ivy resolver,
`spark.jars.packages`, cached under .local/ivy); the resolved list is written to
.local/jars/delta-spark.jars. Every later session passes that list as `spark.jars`, so a
test run never touches the network and pays no Ivy resolution at start-up.

Why this and not `mvn dependency:copy-dependencies`: Ivy ships inside pyspark, so no Maven
install is needed, and it resolves exactly the set `--packages` (delta-spark's documented way)
uses. Why not `spark.jars.packages` on every run: each start would re-run Ivy (about 1 s even
with a warm cache, plus failing look-ups of repos.spark-packages.org, which is not reachable
here) and would need Maven Central whenever the cache is cold.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import IVY_DIR, JAR_MANIFEST, LOG4J2_CONFIG, LOG_DIR, REPO_ROOT

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SCALA_BINARY_VERSION = "2.13"
SETUP_HINT = "run `bash scripts/setup-python.sh` (npm run setup:python)"


def delta_maven_coordinate() -> str:
    """io.delta:delta-spark_<spark major.minor>_2.13:<delta-spark version>, as delta-spark's pip_utils does."""
    spark_minor = ".".join(version("pyspark").split(".")[:2])
    return f"io.delta:delta-spark_{spark_minor}_{SCALA_BINARY_VERSION}:{version('delta-spark')}"


def force_utc() -> None:
    """PySpark converts `timestamp` values with the Python process's local zone: make it UTC."""
    os.environ["TZ"] = "UTC"
    time.tzset()


def base_conf() -> dict[str, str]:
    # C1-only JIT and the serial GC: these JVMs live for seconds and handle tiny tables,
    # so warm-up dominates; measured here this halves session start and first write.
    java_opts = " ".join(
        [
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Duser.timezone=UTC",
            f"-Dlog4j2.configurationFile={LOG4J2_CONFIG.as_uri()}",
        ]
    )
    warehouse = Path(tempfile.gettempdir()) / "delta-tool-warehouse"
    return {
        "spark.master": os.environ.get("DELTA_TOOL_SPARK_MASTER", "local[2]"),
        "spark.app.name": "delta-tool",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.sql.catalogImplementation": "in-memory",
        "spark.sql.warehouse.dir": warehouse.as_uri(),
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2",
        "spark.databricks.delta.snapshotPartitions": "2",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.memory": os.environ.get("DELTA_TOOL_DRIVER_MEMORY", "1g"),
        "spark.driver.extraJavaOptions": java_opts,
        "spark.executor.extraJavaOptions": java_opts,
    }


def read_jar_manifest() -> list[str]:
    """The resolved Delta JARs, or a clear error telling how to create them."""
    if not JAR_MANIFEST.is_file():
        raise RuntimeError(f"Delta JAR list {JAR_MANIFEST} is missing: {SETUP_HINT}")
    lines = JAR_MANIFEST.read_text(encoding="utf-8").splitlines()
    expected = f"# {delta_maven_coordinate()}"
    if not lines or lines[0] != expected:
        raise RuntimeError(f"{JAR_MANIFEST} was resolved for another delta-spark version: {SETUP_HINT}")
    jars = [str(REPO_ROOT / line) for line in lines[1:] if line and not line.startswith("#")]
    missing = [jar for jar in jars if not Path(jar).is_file()]
    if missing:
        raise RuntimeError(f"Delta JARs missing ({missing[0]} ...): {SETUP_HINT}")
    return jars


def write_jar_manifest(jar_uris: str) -> list[str]:
    """Record the jars Spark's Ivy resolution produced (the session's `spark.jars`)."""
    paths = [Path(uri.removeprefix("file://").removeprefix("file:")) for uri in jar_uris.split(",") if uri]
    relative = sorted(str(p.resolve().relative_to(REPO_ROOT)) for p in paths)
    JAR_MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    JAR_MANIFEST.write_text("\n".join([f"# {delta_maven_coordinate()}", *relative]) + "\n", encoding="utf-8")
    return relative


@contextmanager
def jvm_output_to(log_path: Path) -> Iterator[None]:
    """Point fds 1 and 2 at log_path while the JVM is spawned, so it inherits the log file.

    The JVM (and the Python workers it forks) then never write to our stdout, which
    carries the JSON results, nor clutter stderr. Python's own streams are restored.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = (os.dup(1), os.dup(2))
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, log_fd):
            os.close(fd)


class SparkStartError(RuntimeError):
    pass


def start_session(*, resolve_packages: bool = False) -> tuple[SparkSession, Path]:
    """Start the Delta-enabled local session; returns it with the JVM log file path.

    resolve_packages=True resolves the JARs through Ivy (setup only); otherwise the
    manifest written by setup is used and no network access happens.
    """
    force_utc()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    conf = base_conf()
    if resolve_packages:
        conf["spark.jars.packages"] = delta_maven_coordinate()
        conf["spark.jars.ivy"] = str(IVY_DIR)
    else:
        conf["spark.jars"] = ",".join(read_jar_manifest())
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"spark-{os.getpid()}.log"
    builder = SparkSession.builder
    for key, value in conf.items():
        builder = builder.config(key, value)
    try:
        with jvm_output_to(log_path):
            session = builder.getOrCreate()
    except Exception as exc:
        raise SparkStartError(f"Spark failed to start: {exc}\n--- {log_path} ---\n{tail(log_path)}") from exc
    session.sparkContext.setLogLevel("ERROR")
    return session, log_path


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
