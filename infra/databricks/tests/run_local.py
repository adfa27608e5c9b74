"""Runs the job on local Spark + delta-spark (the project's venv and JARs), for the parity and watermark tests.

Usage: python tests/run_local.py --lake-root DIR --output-root DIR [--since JSON] [--run-id ID] --hmac-key-env NAME
Prints the run result as one JSON line on stdout (the JVM's output goes to a log file); like the job, it
writes the watermark to <output root>/ops/transform/watermark.json.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path[:0] = [str(HERE.parent / "src"), str(REPO / "scripts" / "python")]

from delta_ref.spark_session import start_session  # noqa: E402

from pos_transforms import io, job  # noqa: E402
from pos_transforms.main import parse  # noqa: E402


def main() -> None:
    args = parse(sys.argv[1:])
    # The job compiles many plans in one JVM; the session's C1-only JIT otherwise runs out of code cache.
    extra = "-XX:ReservedCodeCacheSize=512m"
    os.environ["JAVA_TOOL_OPTIONS"] = f"{os.environ.get('JAVA_TOOL_OPTIONS', '')} {extra}".strip()
    spark, _log = start_session()
    try:
        key = io.hmac_key(None, None, args.hmac_key_env)
        since = None if args.mode == "full" else io.parse_since(args.since)
        result = job.run(spark, args.lake_root, key, since, args.output_root, args.run_id)
    finally:
        spark.stop()
    sys.stdout.write(
        json.dumps(
            {
                "mode": result.mode,
                "watermark": result.watermark,
                "restated_dates": result.restated_dates,
                "quarantined": result.quarantined,
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
