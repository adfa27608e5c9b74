"""Silver: pure DataFrame -> DataFrame functions (mirrors shared/transforms/sql/10_scope.sql, 20_silver.sql)."""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from .master import local_time
from .schemas import MONEY, PAYLOAD, QTY

KEY = ["store_id", "business_date"]


def scope(
    bronze_new: DataFrame,
    stores_df: DataFrame,
    products_df: DataFrame,
    silver_transactions_all: DataFrame,
    existing_quarantine: DataFrame,
    history_new: DataFrame,
) -> DataFrame:
    """The store-days a run restates (see 10_scope.sql)."""
    new_events = (
        bronze_new.alias("n")
        .join(stores_df.alias("s"), "store_id", "left")
        .select(
            "transaction_id",
            "original_transaction_id",
            "store_id",
            F.to_date(local_time(F.col("occurred_at"), F.col("time_zone"))).alias("business_date"),
        )
    )
    known_skus = products_df.select("sku")
    sku_hits = (
        existing_quarantine.where(F.col("unknown_skus").isNotNull())
        .select("event_id", F.explode(F.split("unknown_skus", ",")).alias("sku"))
        .join(known_skus, "sku")
        .select("event_id")
        .distinct()
    )
    q = existing_quarantine.join(stores_df, "store_id")
    resolvable = (
        q.join(sku_hits, "event_id", "left_semi")
        .unionByName(q.where(F.col("reason_code") == "unknown_store"))
        .select(
            "transaction_id",
            "store_id",
            F.to_date(local_time(F.col("occurred_at"), F.col("time_zone"))).alias("business_date"),
        )
    )
    touched = (
        new_events.select("transaction_id")
        .union(new_events.where(F.col("original_transaction_id").isNotNull()).select("original_transaction_id"))
        .union(resolvable.select("transaction_id"))
        .distinct()
    )
    e = silver_transactions_all
    linked = (
        e.join(touched, "transaction_id", "left_semi")
        .select(*KEY)
        .union(
            e.join(
                touched.withColumnRenamed("transaction_id", "original_transaction_id"),
                "original_transaction_id",
                "left_semi",
            ).select(*KEY)
        )
    )
    return (
        new_events.select(*KEY).union(resolvable.select(*KEY)).union(linked).union(history_new.select(*KEY)).distinct()
    )


def locate_events(bronze: DataFrame, stores_df: DataFrame, scope_df: DataFrame) -> DataFrame:
    """Bronze events of the restated store-days with their business day and hour."""
    s = stores_df.select("store_id", "time_zone")
    located = (
        bronze.join(s.withColumn("store_known", F.lit(True)), "store_id", "left")
        .withColumn("store_known", F.coalesce(F.col("store_known"), F.lit(False)))
        .withColumn("_local", local_time(F.col("occurred_at"), F.col("time_zone")))
        .withColumn("business_date", F.to_date("_local"))
        .withColumn("business_hour", F.hour("_local").cast("int"))
        .drop("_local", "time_zone")
    )
    return located.join(scope_df, KEY, "left_semi")


def dedupe(events: DataFrame) -> DataFrame:
    """First delivery per event id, then the latest receipt per transaction id."""
    first = Window.partitionBy("event_id").orderBy(
        F.col("ingest_time").asc(), F.col("eh_sequence_number").asc_nulls_last(), F.col("raw_payload").asc()
    )
    latest_txn = Window.partitionBy("transaction_id").orderBy(
        F.col("occurred_at").desc(),
        F.col("ingest_time").desc(),
        F.col("eh_sequence_number").desc_nulls_last(),
        F.col("event_id").desc(),
    )
    return (
        events.withColumn("_rn", F.row_number().over(first))
        .where("_rn = 1")
        .withColumn("_rn", F.row_number().over(latest_txn))
        .where("_rn = 1")
        .drop("_rn")
    )


def _payload(receipts: DataFrame) -> DataFrame:
    return receipts.select("transaction_id", F.from_json("raw_payload", PAYLOAD).alias("p"))


def receipt_lines(receipts: DataFrame) -> DataFrame:
    return (
        _payload(receipts)
        .select("transaction_id", F.explode("p.lines").alias("l"))
        .select(
            "transaction_id",
            F.col("l.lineNo").alias("line_no"),
            F.col("l.sku").alias("sku"),
            F.col("l.quantity").cast(QTY).alias("quantity"),
            F.col("l.unitPrice").cast(MONEY).alias("unit_price"),
            F.coalesce(F.col("l.discount"), F.lit(0)).cast(MONEY).alias("discount"),
            F.col("l.lineTotal").cast(MONEY).alias("line_total"),
        )
    )


def receipt_tenders(receipts: DataFrame) -> DataFrame:
    return (
        _payload(receipts)
        .select("transaction_id", F.posexplode("p.tenders").alias("pos", "t"))
        .select(
            "transaction_id",
            (F.col("pos") + 1).cast("int").alias("tender_no"),
            F.col("t.method").alias("method"),
            F.col("t.amount").cast(MONEY).alias("amount"),
        )
    )


def quarantine(receipts: DataFrame, lines: DataFrame, products_df: DataFrame) -> DataFrame:
    """Receipts whose store or any SKU is unknown (the whole receipt is held back)."""
    unknown = (
        lines.join(products_df.select("sku"), "sku", "left_anti")
        .groupBy("transaction_id")
        .agg(F.array_join(F.array_sort(F.collect_set("sku")), ",").alias("unknown_skus"))
    )
    return (
        receipts.join(unknown, "transaction_id", "left")
        .where(~F.col("store_known") | F.col("unknown_skus").isNotNull())
        .select(
            "event_id",
            "transaction_id",
            "event_type",
            "store_id",
            "occurred_at",
            F.when(F.col("store_known"), "unknown_sku").otherwise("unknown_store").alias("reason_code"),
            F.when(F.col("store_known"), F.col("unknown_skus")).alias("unknown_skus"),
            "ingest_time",
        )
    )


def transactions(
    valid: DataFrame,
    lines: DataFrame,
    other_transactions: DataFrame,
    ipad: bytes,
    opad: bytes,
) -> DataFrame:
    """One row per receipt: voids applied, refunds/voids linked, customer ids pseudonymised."""
    nonvoid = F.col("event_type") != "void"
    voids = (
        valid.where(~nonvoid)
        .select("transaction_id", "original_transaction_id")
        .union(other_transactions.where(~nonvoid).select("transaction_id", "original_transaction_id"))
        .where(F.col("original_transaction_id").isNotNull())
        .groupBy(F.col("original_transaction_id").alias("_voided"))
        .agg(F.min("transaction_id").alias("_voided_by"))
    )
    originals = (
        valid.where(nonvoid)
        .select("transaction_id", "business_date")
        .union(other_transactions.where(nonvoid).select("transaction_id", "business_date"))
        .groupBy(F.col("transaction_id").alias("_orig"))
        .agg(F.min("business_date").alias("_orig_date"))
    )
    totals = lines.groupBy(F.col("transaction_id").alias("_tx")).agg(
        F.sum("quantity").alias("_units"), F.sum("discount").alias("_discount")
    )
    inner = F.sha2(F.concat(F.lit(ipad), F.encode(F.col("customer_id"), "UTF-8")), 256)
    customer_key = F.sha2(F.concat(F.lit(opad), F.unhex(inner)), 256)
    is_sale = F.col("event_type") == "sale"
    discount = F.coalesce(F.col("_discount"), F.lit(0))
    return (
        valid.join(totals, F.col("transaction_id") == F.col("_tx"), "left")
        .join(originals, F.col("original_transaction_id") == F.col("_orig"), "left")
        .join(voids, F.col("transaction_id") == F.col("_voided"), "left")
        .select(
            "transaction_id",
            "event_id",
            "event_type",
            "store_id",
            "register_id",
            "cashier_id",
            F.when(F.col("customer_id").isNotNull(), customer_key).alias("customer_key"),
            "occurred_at",
            "business_hour",
            "currency",
            "line_count",
            F.coalesce(F.col("_units"), F.lit(0)).cast(QTY).alias("units"),
            (F.col("subtotal") + discount).cast(MONEY).alias("gross_amount"),
            discount.cast(MONEY).alias("discount"),
            "subtotal",
            "tax",
            "total",
            "loyalty_points",
            "original_transaction_id",
            (~is_sale & F.col("_orig").isNotNull()).alias("original_found"),
            F.when(~is_sale, F.col("_orig_date")).alias("original_business_date"),
            (nonvoid & F.col("_voided").isNotNull()).alias("is_voided"),
            F.when(nonvoid, F.col("_voided_by")).alias("voided_by_transaction_id"),
            "ingest_time",
            "business_date",
        )
    )


def sales_lines(transactions_df: DataFrame, lines: DataFrame, products_df: DataFrame) -> DataFrame:
    t = transactions_df.where(F.col("event_type") != "void").select(
        "transaction_id", "event_type", "store_id", "is_voided", "occurred_at", "business_hour", "business_date"
    )
    return (
        t.join(lines, "transaction_id")
        .join(products_df, "sku", "left")
        .select(
            "transaction_id",
            "line_no",
            "event_type",
            "store_id",
            "sku",
            "product_name",
            "category",
            "brand",
            "quantity",
            "unit_price",
            "discount",
            "line_total",
            "is_voided",
            "occurred_at",
            "business_hour",
            "business_date",
        )
    )


def tenders(transactions_df: DataFrame, tenders_df: DataFrame) -> DataFrame:
    t = transactions_df.where(F.col("event_type") != "void").select(
        "transaction_id", "event_type", "store_id", "currency", "is_voided", "occurred_at", "business_date"
    )
    return t.join(tenders_df, "transaction_id").select(
        "transaction_id",
        "tender_no",
        "event_type",
        "store_id",
        "method",
        "amount",
        "currency",
        "is_voided",
        "occurred_at",
        "business_date",
    )


def build_silver(
    bronze: DataFrame,
    stores_df: DataFrame,
    products_df: DataFrame,
    scope_df: DataFrame,
    other_transactions: DataFrame,
    ipad: bytes,
    opad: bytes,
) -> dict[str, DataFrame]:
    """All Silver frames of the restated store-days; `events` are the Bronze rows read (for the quarantine)."""
    events = locate_events(bronze, stores_df, scope_df)
    receipts = dedupe(events)
    lines = receipt_lines(receipts)
    held = quarantine(receipts, lines, products_df)
    valid = receipts.join(held.select("transaction_id"), "transaction_id", "left_anti")
    tx = transactions(valid, lines, other_transactions, ipad, opad)
    return {
        "events": events,
        "silver/transactions": tx,
        "silver/sales_lines": sales_lines(tx, lines, products_df),
        "silver/tenders": tenders(tx, receipt_tenders(receipts)),
        "silver/quarantine": held,
    }
