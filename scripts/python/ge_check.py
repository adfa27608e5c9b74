#!/usr/bin/env python3
"""Run an expectation suite with real great_expectations, for the DQ engine's cross-check test.

  ge_check.py --suite SUITE.json TABLE [TABLE ...]

Each TABLE is a Delta table directory, read with delta-rs (deltalake) into pandas (decimals as float64,
see decimals_as_float) and validated with
GE's pandas datasource, one expectation at a time (so one GE error does not hide the others). Suites
in either GE dialect are accepted (`expectation_type` or `type`). Prints one JSON line per table:

  {"table": "/t", "results": [{"type": "...", "success": true, "unexpected_count": 0,
                               "observed_value": ..., "error": null}, ...]}

An expectation GE does not know (e.g. our retail pack) gets "error": "unknown expectation type".
Run it as a script file, never with `python -c` (pyspark in the same venv hijacks `-c`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import warnings
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", required=True, type=Path)
    parser.add_argument("tables", nargs="+")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)

    import great_expectations as gx
    from deltalake import DeltaTable
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    suite = json.loads(args.suite.read_text(encoding="utf-8"))
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas("lake")
    for i, table in enumerate(args.tables):
        frame = decimals_as_float(DeltaTable(table).to_pyarrow_table()).to_pandas()
        asset = source.add_dataframe_asset(f"t{i}")
        batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
        results = []
        for raw in suite["expectations"]:
            kind = raw.get("expectation_type") or raw.get("type")
            results.append(run_one(batch, ExpectationConfiguration, kind, raw.get("kwargs", {})))
        print(json.dumps({"table": table, "results": results}, default=str))
    return 0


def decimals_as_float(table: Any) -> Any:
    """Money columns as float64: pandas keeps Decimal values in an object column, on which GE's pandas
    metrics (mean, sum) answer None; a numeric column is what GE users get from Spark or SQL."""
    import pyarrow as pa

    fields = [pa.field(f.name, pa.float64(), f.nullable) if pa.types.is_decimal(f.type) else f for f in table.schema]
    return table.cast(pa.schema(fields))


def run_one(batch: Any, config_class: Any, kind: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    try:
        expectation = config_class(type=kind, kwargs=kwargs).to_domain_obj()
    except Exception as err:  # noqa: BLE001 - an unknown type is a reported outcome, not a crash
        return {"type": kind, "success": None, "unexpected_count": None, "observed_value": None, "error": str(err)}
    try:
        outcome = batch.validate(expectation, result_format="SUMMARY").to_json_dict()
    except Exception as err:  # noqa: BLE001
        return {"type": kind, "success": None, "unexpected_count": None, "observed_value": None, "error": str(err)}
    exception = outcome.get("exception_info") or {}
    result = outcome.get("result") or {}
    return {
        "type": kind,
        "success": outcome.get("success"),
        "unexpected_count": result.get("unexpected_count"),
        "observed_value": result.get("observed_value"),
        "error": exception.get("exception_message") if exception.get("raised_exception") else None,
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
