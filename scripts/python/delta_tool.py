#!/usr/bin/env python3
"""Drive the reference Delta engines (delta-spark, delta-rs) for the interop tests.

  delta_tool.py scan  --engine spark|deltars TABLE [--version N]
      Rows as JSON Lines in the `lakehouse table scan` format (row order unspecified).
  delta_tool.py write --engine spark|deltars TABLE --spec SPEC.json
      Apply a write spec (see delta_ref/spec.py); prints {"version":N}.
  delta_tool.py batch COMMANDS.json|-
      COMMANDS is a JSON list of
        {"cmd":"scan","engine":"spark","table":"/t","version":3}
        {"cmd":"write","engine":"deltars","table":"/t","spec":{...} or "spec.json"}
      run in order with at most ONE Spark session; prints one JSON line per command:
        {"ok":true,"rows":["<scan JSON line>",...]}        (scan)
        {"ok":true,"rows":[],"version":N}                  (write)
        {"ok":false,"error":"..."}
      Rows are the exact scan lines as strings, so longs beyond 2^53 survive JSON.parse.

Spark's own output goes to .local/logs/spark-<pid>.log (kept only when something failed; the
newest 20 are kept). DELTA_TOOL_TIMINGS=1 prints each command's duration to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from delta_ref import deltars_engine, spark_engine
from delta_ref.jsonl import encode
from delta_ref.paths import LOG_DIR
from delta_ref.spark_session import force_utc, start_session
from delta_ref.spec import load_spec

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ENGINES = ("spark", "deltars")
MAX_ERROR_CHARS = 4000
KEPT_LOGS = 20


class Engines:
    """Runs commands, starting the Spark session only if a Spark command needs it."""

    def __init__(self) -> None:
        self._spark: SparkSession | None = None
        self._log: Path | None = None
        self.failed = False

    def spark(self) -> SparkSession:
        if self._spark is None:
            started = time.monotonic()
            self._spark, self._log = start_session()
            report_timing("spark session start", started)
        return self._spark

    def scan(self, engine: str, table: str, version: int | None) -> list[str]:
        if engine == "spark":
            return spark_engine.scan(self.spark(), table, version)
        return deltars_engine.scan(table, version)

    def write(self, engine: str, table: str, spec_source: str | Mapping[str, Any]) -> int:
        spec = load_spec(spec_source)
        if engine == "spark":
            return spark_engine.write(self.spark(), table, spec)
        return deltars_engine.write(table, spec)

    def close(self) -> None:
        if self._spark is not None:
            self._spark.stop()
        if self._log is not None:
            if self.failed:
                print(f"delta_tool: Spark log kept at {self._log}", file=sys.stderr)
                prune_logs()
            else:
                self._log.unlink(missing_ok=True)


def prune_logs() -> None:
    logs = sorted(LOG_DIR.glob("spark-*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in logs[KEPT_LOGS:]:
        old.unlink(missing_ok=True)


def report_timing(label: str, started: float) -> None:
    if os.environ.get("DELTA_TOOL_TIMINGS"):
        print(f"delta_tool: {label}: {time.monotonic() - started:.2f}s", file=sys.stderr)


def run_command(engines: Engines, command: Mapping[str, Any]) -> dict[str, Any]:
    cmd, engine, table = command.get("cmd"), command.get("engine"), command.get("table")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if not isinstance(table, str) or not table:
        raise ValueError("command needs a 'table' path")
    if cmd == "scan":
        version = command.get("version")
        return {"ok": True, "rows": engines.scan(engine, table, None if version is None else int(version))}
    if cmd == "write":
        if "spec" not in command:
            raise ValueError("write command needs a 'spec' (object or path)")
        return {"ok": True, "rows": [], "version": engines.write(engine, table, command["spec"])}
    raise ValueError(f"cmd must be 'scan' or 'write', got {cmd!r}")


def error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS] + " ..."


def run_batch(engines: Engines, commands: Sequence[Mapping[str, Any]]) -> None:
    for command in commands:
        started = time.monotonic()
        try:
            result = run_command(engines, command)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a result line
            engines.failed = True
            result = {"ok": False, "error": error_text(exc)}
        report_timing(f"{command.get('cmd')} {command.get('engine')} {command.get('table')}", started)
        print(encode(result), flush=True)


def read_commands(source: str) -> list[Mapping[str, Any]]:
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    commands = json.loads(text)
    if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
        raise ValueError("batch input must be a JSON list of command objects")
    return commands


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="delta_tool.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    scan = sub.add_parser("scan", help="print a table's rows as JSON Lines")
    scan.add_argument("--engine", choices=ENGINES, required=True)
    scan.add_argument("table")
    scan.add_argument("--version", type=int)
    write = sub.add_parser("write", help="write a table from a JSON spec")
    write.add_argument("--engine", choices=ENGINES, required=True)
    write.add_argument("table")
    write.add_argument("--spec", required=True)
    batch = sub.add_parser("batch", help="run a JSON list of scan/write commands in one Spark session")
    batch.add_argument("commands", help="path to the JSON list, or - for stdin")
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    force_utc()
    engines = Engines()
    try:
        if args.cmd == "batch":
            run_batch(engines, read_commands(args.commands))
        elif args.cmd == "scan":
            for line in engines.scan(args.engine, args.table, args.version):
                sys.stdout.write(line + "\n")
        else:
            version = engines.write(args.engine, args.table, args.spec)
            print(encode({"version": version}))
        return 0
    except Exception as exc:  # noqa: BLE001 - report cleanly, exit non-zero
        engines.failed = True
        print(f"delta_tool: {error_text(exc)}", file=sys.stderr)
        return 1
    finally:
        engines.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
