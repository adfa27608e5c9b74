"""The transform run: reads inputs through `io`, applies the pure transforms, writes through `io`."""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from . import gold, io, master, silver
from .hmac_pads import hmac_pads
from .schemas import OUTPUTS, SILVER_QUARANTINE, SILVER_TRANSACTIONS


@dataclass(frozen=True)
class RunResult:
    mode: str
    watermark: dict[str, int]
    restated_dates: list[str]
    quarantined: int


def input_schemas(spark: SparkSession) -> dict[str, StructType]:
    """Schemas for inputs that do not exist yet (empty frames)."""
    ddl = {
        io.BRONZE: "event_id string, event_type string, schema_version int, transaction_id string, "
        "original_transaction_id string, store_id string, register_id string, cashier_id string, customer_id string, "
        "occurred_at timestamp, currency string, line_count int, subtotal decimal(18,2), tax decimal(18,2), "
        "total decimal(18,2), loyalty_points bigint, raw_payload string, eh_sequence_number bigint, "
        "ingest_time timestamp, ingest_date date",
        io.STORES: "store_id string, time_zone string, currency string, source_file string, loaded_at timestamp",
        io.PRODUCTS: "sku string, name string, category string, brand string, source_file string, loaded_at timestamp",
        io.HISTORY: "business_date date, store_id string, sku string, units bigint, net_sales decimal(18,2), "
        "receipts bigint, source_file string, loaded_at timestamp",
    }
    return {k: StructType.fromDDL(v) for k, v in ddl.items()}


def run(
    spark: SparkSession,
    root: str,
    key: bytes,
    since: dict[str, int] | None,
    output_root: str | None = None,
    run_id: str = "",
) -> RunResult:
    """One run; after every table write succeeded, records `mark` (the input versions read) as the watermark.

    The watermark file goes under the output root, tagged with `run_id`; a failed run raises before it.
    """
    out_root = output_root or root
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    schemas = input_schemas(spark)
    mark = io.watermark(spark, root)
    full = since is None or any(since.get(t, -1) > mark[t] for t in io.INPUTS)
    ipad, opad = hmac_pads(key)

    stores = master.stores(io.read_table(spark, root, io.STORES, schemas[io.STORES]))
    products = master.products(io.read_table(spark, root, io.PRODUCTS, schemas[io.PRODUCTS]))
    history = master.history(io.read_table(spark, root, io.HISTORY, schemas[io.HISTORY]))
    bronze = io.read_table(spark, root, io.BRONZE, schemas[io.BRONZE])

    def added(name: str) -> DataFrame:
        return io.read_added_since(spark, root, name, -1 if full else (since or {}).get(name, -1), schemas[name])

    empty_tx = spark.createDataFrame([], SILVER_TRANSACTIONS)
    existing_tx = empty_tx if full else io.read_table(spark, out_root, "silver/transactions", SILVER_TRANSACTIONS)
    existing_q = (
        spark.createDataFrame([], SILVER_QUARANTINE)
        if full
        else io.read_table(spark, out_root, "silver/quarantine", SILVER_QUARANTINE)
    )
    scope = silver.scope(
        added(io.BRONZE), stores, products, existing_tx, existing_q, master.history(added(io.HISTORY))
    ).cache()
    dates = sorted(str(r[0]) for r in scope.select("business_date").distinct().collect())
    if not full and not dates:
        # Nothing to restate, yet the inputs were read up to `mark`: the watermark still advances.
        result = RunResult("incremental", mark, [], existing_q.count())
        io.write_watermark(spark, out_root, run_id, mark)
        return result

    other_tx = existing_tx.join(scope, silver.KEY, "left_anti")
    built = silver.build_silver(bronze, stores, products, scope, other_tx, ipad, opad)
    existing = {
        name: (
            spark.createDataFrame([], schema)
            if full
            else io.read_table(spark, out_root, name, schema).where(F.col("business_date").isin(dates))
        )
        for name, schema in OUTPUTS.items()
        if name != "silver/quarantine"
    }
    # Every output reads these; materialise them once.
    for name in ("events", "silver/transactions", "silver/sales_lines", "silver/tenders", "silver/quarantine"):
        built[name] = built[name].cache()
    tables = {name: built[name] for name in ("silver/transactions", "silver/sales_lines", "silver/tenders")}
    for name, frame in tables.items():
        tables[name] = frame.unionByName(gold.kept(existing[name], scope))
    golds = gold.build_gold(built, history, scope, existing["gold/product_sales_daily"], products)
    for name, frame in golds.items():
        tables[name] = (
            frame if name == "gold/product_sales_daily" else frame.unionByName(gold.kept(existing[name], scope))
        )
    read_ids = built["events"].select("event_id")
    quarantine = built["silver/quarantine"].unionByName(existing_q.join(read_ids, "event_id", "left_anti")).cache()
    tables["silver/quarantine"] = quarantine

    for name, schema in OUTPUTS.items():
        frame = tables[name]
        if name == "silver/quarantine" or full:
            io.write_partitions(frame, out_root, name, schema, None)
        else:
            io.write_partitions(frame.where(F.col("business_date").isin(dates)), out_root, name, schema, dates)
    result = RunResult("full" if full else "incremental", mark, dates, quarantine.count())
    io.write_watermark(spark, out_root, run_id, mark)
    return result
