"""Gold: pure DataFrame -> DataFrame functions (mirrors shared/transforms/sql/30_gold.sql, 40_outputs.sql).

Ratios are rounded half away from zero with exact integer arithmetic (`div` truncates toward zero in
Spark as `//` does in DuckDB), so both engines produce the same decimals.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from .schemas import MONEY, QTY, RATIO

KEY = ["store_id", "business_date"]


def div_half_up(a: str, b: str) -> Column:
    """a / b half away from zero, for integer SQL expressions a and b (null when b <= 0)."""
    return F.expr(
        f"CASE WHEN ({b}) IS NULL OR ({b}) <= 0 THEN NULL "
        f"ELSE (CASE WHEN ({a}) < 0 THEN -1 ELSE 1 END) * ((2 * abs({a}) + ({b})) div (2 * ({b}))) END"
    )


def cents(x: str) -> str:
    return f"CAST(({x}) * 100 AS BIGINT)"


def scaled(c: Column, scale: str, dtype) -> Column:  # noqa: ANN001
    return (c.cast("decimal(20,0)") * F.expr(scale)).cast(dtype)


def _sum_if(cond: Column, value: Column) -> Column:
    return F.coalesce(F.sum(F.when(cond, value)), F.lit(0))


def sales_store_hour(transactions: DataFrame) -> DataFrame:
    sale = F.col("event_type") == "sale"
    refund = F.col("event_type") == "refund"
    sums = (
        transactions.where(F.col("event_type").isin("sale", "refund") & ~F.col("is_voided"))
        .groupBy("business_date", "store_id", "business_hour", "currency")
        .agg(
            F.count(F.when(sale, 1)).alias("transactions"),
            F.count(F.when(refund, 1)).alias("refund_transactions"),
            _sum_if(sale, F.col("gross_amount")).alias("gross_sales"),
            _sum_if(sale, F.col("discount")).alias("discounts"),
            _sum_if(refund, F.col("subtotal")).alias("refunds"),
            _sum_if(sale, F.col("subtotal")).alias("sales_subtotal"),
            (_sum_if(sale, F.col("tax")) - _sum_if(refund, F.col("tax"))).alias("tax"),
            _sum_if(sale, F.col("units")).alias("units_sold"),
            _sum_if(refund, F.col("units")).alias("units_refunded"),
        )
    )
    return sums.select(
        "store_id",
        "business_hour",
        "currency",
        "transactions",
        "refund_transactions",
        F.col("gross_sales").cast(MONEY).alias("gross_sales"),
        F.col("discounts").cast(MONEY).alias("discounts"),
        F.col("refunds").cast(MONEY).alias("refunds"),
        (F.col("sales_subtotal") - F.col("refunds")).cast(MONEY).alias("net_sales"),
        F.col("tax").cast(MONEY).alias("tax"),
        F.col("units_sold").cast(QTY).alias("units_sold"),
        F.col("units_refunded").cast(QTY).alias("units_refunded"),
        scaled(div_half_up(cents("sales_subtotal"), "transactions"), "0.01", MONEY).alias("aov"),
        scaled(div_half_up("CAST(units_sold * 1000 AS BIGINT)", "10 * transactions"), "0.01", MONEY).alias(
            "basket_size"
        ),
        "business_date",
    )


def basket_metrics_daily(transactions: DataFrame) -> DataFrame:
    sale = (F.col("event_type") == "sale") & ~F.col("is_voided")
    refund = (F.col("event_type") == "refund") & ~F.col("is_voided")
    sums = (
        transactions.where(F.col("event_type").isin("sale", "refund"))
        .groupBy("business_date", "store_id", "currency")
        .agg(
            F.count(F.when(sale, 1)).alias("transactions"),
            _sum_if(sale, F.col("units")).alias("units_sold"),
            _sum_if(sale, F.col("subtotal")).alias("sales_subtotal"),
            _sum_if(sale, F.col("line_count").cast("bigint")).alias("lines"),
            F.count(F.when(sale & F.col("customer_key").isNotNull(), 1)).alias("loyalty_transactions"),
            F.count(F.when((F.col("event_type") == "sale") & F.col("is_voided"), 1)).alias("voided_transactions"),
            F.count(F.when(refund, 1)).alias("refund_transactions"),
            _sum_if(refund, F.col("subtotal")).alias("refund_amount"),
        )
    )
    return sums.select(
        "store_id",
        "currency",
        "transactions",
        F.col("units_sold").cast(QTY).alias("units_sold"),
        (F.col("sales_subtotal") - F.col("refund_amount")).cast(MONEY).alias("net_sales"),
        scaled(div_half_up(cents("sales_subtotal"), "transactions"), "0.01", MONEY).alias("aov"),
        scaled(div_half_up("CAST(units_sold * 1000 AS BIGINT)", "10 * transactions"), "0.01", MONEY).alias(
            "basket_size"
        ),
        scaled(div_half_up("CAST(lines AS BIGINT) * 100", "transactions"), "0.01", MONEY).alias("lines_per_basket"),
        "loyalty_transactions",
        "voided_transactions",
        "refund_transactions",
        F.col("refund_amount").cast(MONEY).alias("refund_amount"),
        scaled(div_half_up(f"{cents('refund_amount')} * 10000", cents("sales_subtotal")), "0.0001", RATIO).alias(
            "refund_rate"
        ),
        "business_date",
    )


def tender_mix_daily(tenders: DataFrame) -> DataFrame:
    sale = F.col("event_type") == "sale"
    sums = (
        tenders.where(~F.col("is_voided"))
        .groupBy("business_date", "store_id", "currency", "method")
        .agg(
            F.count(F.when(sale, 1)).alias("tender_count"),
            F.sum(F.when(sale, F.col("amount")).otherwise(-F.col("amount"))).alias("amount"),
        )
        .withColumn("_day_total", F.sum("amount").over(Window.partitionBy("business_date", "store_id", "currency")))
    )
    return sums.select(
        "store_id",
        "currency",
        "method",
        "tender_count",
        F.col("amount").cast(MONEY).alias("amount"),
        scaled(div_half_up(f"{cents('amount')} * 10000", cents("_day_total")), "0.0001", RATIO).alias("share"),
        "business_date",
    )


def product_sales_daily(
    lines: DataFrame,
    transactions: DataFrame,
    history_df: DataFrame,
    scope_df: DataFrame,
    kept_existing: DataFrame,
    products_df: DataFrame,
) -> DataFrame:
    """Streamed lines, history for store-days without streamed receipts, kept rows; ranks after the merge."""
    sale = F.col("event_type") == "sale"
    stream = (
        lines.where(~F.col("is_voided"))
        .groupBy("business_date", "store_id", "sku")
        .agg(
            F.sum(F.when(sale, F.col("quantity")).otherwise(-F.col("quantity"))).alias("units"),
            F.sum(F.when(sale, F.col("line_total")).otherwise(-F.col("line_total"))).alias("revenue"),
            F.countDistinct(F.when(sale, F.col("transaction_id"))).alias("receipts"),
        )
        .withColumn("source", F.lit("stream"))
    )
    streamed = transactions.select(*KEY).distinct()
    hist = (
        history_df.join(scope_df, KEY, "left_semi")
        .join(streamed, KEY, "left_anti")
        .select(
            "business_date",
            "store_id",
            "sku",
            F.col("units").cast(QTY).alias("units"),
            F.col("net_sales").alias("revenue"),
            "receipts",
            F.lit("history").alias("source"),
        )
    )
    cols = ["business_date", "store_id", "sku", "units", "revenue", "receipts", "source"]
    rows = (
        stream.select(*[F.col(c) for c in cols])
        .unionByName(hist.select(*cols))
        .unionByName(kept_existing.select(*cols))
    )
    chain = rows.groupBy("business_date", "sku").agg(F.sum("units").alias("_chain_units"))
    overall = chain.withColumn(
        "rank_overall",
        F.row_number().over(
            Window.partitionBy("business_date").orderBy(F.col("_chain_units").desc(), F.col("sku").asc())
        ),
    ).drop("_chain_units")
    in_store = Window.partitionBy("business_date", "store_id").orderBy(F.col("revenue").desc(), F.col("sku").asc())
    return (
        rows.join(overall, ["business_date", "sku"])
        .join(products_df.select("sku", "product_name", "category"), "sku", "left")
        .select(
            "store_id",
            "sku",
            "product_name",
            "category",
            F.col("units").cast(QTY).alias("units"),
            F.col("revenue").cast(MONEY).alias("revenue"),
            F.col("receipts").cast("bigint").alias("receipts"),
            "source",
            F.row_number().over(in_store).cast("int").alias("rank_in_store"),
            F.col("rank_overall").cast("int").alias("rank_overall"),
            "business_date",
        )
    )


def kept(existing: DataFrame, scope_df: DataFrame) -> DataFrame:
    """Current rows of rewritten partitions that belong to store-days outside the scope."""
    return existing.join(scope_df, KEY, "left_anti")


def build_gold(
    silver: dict[str, DataFrame],
    history_df: DataFrame,
    scope_df: DataFrame,
    existing_products: DataFrame,
    products_df: DataFrame,
) -> dict[str, DataFrame]:
    tx = silver["silver/transactions"]
    return {
        "gold/sales_store_hour": sales_store_hour(tx),
        "gold/product_sales_daily": product_sales_daily(
            silver["silver/sales_lines"], tx, history_df, scope_df, kept(existing_products, scope_df), products_df
        ),
        "gold/basket_metrics_daily": basket_metrics_daily(tx),
        "gold/tender_mix_daily": tender_mix_daily(silver["silver/tenders"]),
    }
