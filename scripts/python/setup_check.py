#!/usr/bin/env python3
"""Setup steps run by scripts/setup-python.sh inside the venv.

setup_check.py resolve-jars   unless already recorded: resolve the delta-spark JARs with Spark's
                              Ivy (network), cache them under .local/ivy, record the list in
                              .local/jars/delta-spark.jars
setup_check.py smoke          offline check: Spark (with the recorded JARs) and delta-rs each
                              write a Delta table, and both engines read both tables back
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from delta_ref import deltars_engine, spark_engine
from delta_ref.spark_session import delta_maven_coordinate, read_jar_manifest, start_session, write_jar_manifest
from delta_ref.spec import parse_spec

SMOKE_SPEC = {
    "schema": {
        "type": "struct",
        "fields": [
            {"name": "id", "type": "long", "nullable": True, "metadata": {}},
            {"name": "amount", "type": "decimal(18,2)", "nullable": True, "metadata": {}},
            {"name": "at", "type": "timestamp", "nullable": True, "metadata": {}},
        ],
    },
    "steps": [
        {
            "op": "append",
            "rows": [
                {"id": 9007199254740993, "amount": "12.30", "at": "2026-11-25T14:03:11.123000Z"},
                {"id": -1, "amount": "-0.50", "at": None},
            ],
        }
    ],
}
EXPECTED = sorted(
    [
        '{"id":9007199254740993,"amount":"12.30","at":"2026-11-25T14:03:11.123000Z"}',
        '{"id":-1,"amount":"-0.50","at":null}',
    ]
)


def log(message: str) -> None:
    print(f"[setup-python] {message}", flush=True)


def timed(label: str, action: Callable[[], object]) -> object:
    started = time.monotonic()
    result = action()
    log(f"{label}: {time.monotonic() - started:.1f}s")
    return result


def resolve_jars() -> None:
    try:
        jars = read_jar_manifest()
    except RuntimeError:
        pass
    else:
        log(f"{len(jars)} delta-spark JARs already resolved for {delta_maven_coordinate()}")
        return
    log(f"resolving {delta_maven_coordinate()} with Spark's Ivy (cache: .local/ivy)")
    started = time.monotonic()
    spark, log_path = start_session(resolve_packages=True)
    jars = spark.sparkContext.getConf().get("spark.jars", "")
    spark.stop()
    recorded = write_jar_manifest(jars)
    log_path.unlink(missing_ok=True)
    log(f"resolved {len(recorded)} JARs in {time.monotonic() - started:.1f}s")


def check(engine: str, table: Path, lines: list[str]) -> None:
    if sorted(lines) != EXPECTED:
        raise SystemExit(f"smoke check failed: {engine} read {table} as {lines}, expected {EXPECTED}")


def smoke() -> None:
    import great_expectations as gx

    log(f"great_expectations {gx.__version__} imports")
    spec = parse_spec(SMOKE_SPEC)
    started = time.monotonic()
    spark, log_path = start_session()
    log(f"Spark session start: {time.monotonic() - started:.1f}s")
    with tempfile.TemporaryDirectory(prefix="delta-smoke-") as tmp:
        spark_table, rs_table = Path(tmp, "by_spark"), Path(tmp, "by_deltars")
        timed("spark write", lambda: spark_engine.write(spark, str(spark_table), spec))
        timed("deltalake write", lambda: deltars_engine.write(str(rs_table), spec))
        for table in (spark_table, rs_table):
            check("spark", table, spark_engine.scan(spark, str(table), None))
            check("deltalake", table, deltars_engine.scan(str(table), None))
    spark.stop()
    log_path.unlink(missing_ok=True)
    log("smoke check passed: Spark and delta-rs read each other's tables exactly")


def main(argv: list[str]) -> int:
    steps = {"resolve-jars": resolve_jars, "smoke": smoke}
    if len(argv) != 1 or argv[0] not in steps:
        print(__doc__, file=sys.stderr)
        return 2
    steps[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
