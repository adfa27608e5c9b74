"""Entry point of the Databricks job: parses arguments only."""

from __future__ import annotations

import argparse
import json
import sys

from . import io, job


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="pos_transforms", description="POS lakehouse Silver/Gold transform")
    p.add_argument("--lake-root", required=True, help="lake root URL (tables under bronze/, silver/, gold/)")
    p.add_argument("--output-root", default=None, help="write Silver/Gold here instead (tests)")
    p.add_argument("--mode", choices=["full", "incremental"], default="incremental")
    p.add_argument("--since", default="", help="watermark JSON of the last successful run")
    p.add_argument(
        "--run-id",
        default="",
        help="orchestration instance id; recorded as instanceId in <output root>/ops/transform/watermark.json "
        "(empty: a run not started by the orchestration)",
    )
    p.add_argument("--hmac-secret-scope", default=None)
    p.add_argument("--hmac-secret-key", default=None)
    p.add_argument("--hmac-key-env", default=None, help="local runs: environment variable holding the key")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    from pyspark.sql import SparkSession

    args = parse(sys.argv[1:] if argv is None else argv)
    spark = SparkSession.builder.getOrCreate()
    key = io.hmac_key(args.hmac_secret_scope, args.hmac_secret_key, args.hmac_key_env)
    since = None if args.mode == "full" else io.parse_since(args.since)
    result = job.run(spark, args.lake_root, key, since, args.output_root, args.run_id)
    print(
        json.dumps(
            {
                "mode": result.mode,
                "watermark": result.watermark,
                "restated_dates": result.restated_dates,
                "quarantined": result.quarantined,
            }
        )
    )


if __name__ == "__main__":
    main()
