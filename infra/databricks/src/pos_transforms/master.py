"""Master data: pure DataFrame -> DataFrame functions (mirrors shared/transforms/sql/00_master.sql)."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F


def latest(df: DataFrame, keys: list[str]) -> DataFrame:
    """Batch-load snapshots are appended; the latest row per key by loaded_at wins."""
    w = Window.partitionBy(*keys).orderBy(F.col("loaded_at").desc(), F.col("source_file").desc())
    return df.withColumn("_rn", F.row_number().over(w)).where("_rn = 1").drop("_rn")


def stores(stores_raw: DataFrame) -> DataFrame:
    return latest(stores_raw, ["store_id"]).select("store_id", "time_zone", "currency")


def products(products_raw: DataFrame) -> DataFrame:
    return latest(products_raw, ["sku"]).select("sku", F.col("name").alias("product_name"), "category", "brand")


def history(history_raw: DataFrame) -> DataFrame:
    return latest(history_raw, ["business_date", "store_id", "sku"]).select(
        "business_date", "store_id", "sku", "units", "net_sales", "receipts"
    )


def local_time(ts: Column, tz: Column) -> Column:
    """Store-local wall clock; stores missing from the master data are placed in UTC."""
    return F.from_utc_timestamp(ts, F.coalesce(tz, F.lit("UTC")))
