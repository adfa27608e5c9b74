"""Output table contracts; mirror shared/transforms/transform-tables.ts (checked by the parity test)."""

from __future__ import annotations

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DateType,
    DecimalType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

MONEY = DecimalType(18, 2)
QTY = DecimalType(18, 3)
RATIO = DecimalType(9, 4)


def _schema(*fields: tuple[str, DataType, bool]) -> StructType:
    return StructType([StructField(name, dtype, nullable) for name, dtype, nullable in fields])


S, INT, L, B, T, D = StringType(), IntegerType(), LongType(), BooleanType(), TimestampType(), DateType()

SILVER_TRANSACTIONS = _schema(
    ("transaction_id", S, False),
    ("event_id", S, False),
    ("event_type", S, False),
    ("store_id", S, False),
    ("register_id", S, False),
    ("cashier_id", S, False),
    ("customer_key", S, True),
    ("occurred_at", T, False),
    ("business_hour", INT, False),
    ("currency", S, False),
    ("line_count", INT, False),
    ("units", QTY, False),
    ("gross_amount", MONEY, False),
    ("discount", MONEY, False),
    ("subtotal", MONEY, False),
    ("tax", MONEY, False),
    ("total", MONEY, False),
    ("loyalty_points", L, True),
    ("original_transaction_id", S, True),
    ("original_found", B, False),
    ("original_business_date", D, True),
    ("is_voided", B, False),
    ("voided_by_transaction_id", S, True),
    ("ingest_time", T, False),
    ("business_date", D, False),
)

SILVER_SALES_LINES = _schema(
    ("transaction_id", S, False),
    ("line_no", INT, False),
    ("event_type", S, False),
    ("store_id", S, False),
    ("sku", S, False),
    ("product_name", S, True),
    ("category", S, True),
    ("brand", S, True),
    ("quantity", QTY, False),
    ("unit_price", MONEY, False),
    ("discount", MONEY, False),
    ("line_total", MONEY, False),
    ("is_voided", B, False),
    ("occurred_at", T, False),
    ("business_hour", INT, False),
    ("business_date", D, False),
)

SILVER_TENDERS = _schema(
    ("transaction_id", S, False),
    ("tender_no", INT, False),
    ("event_type", S, False),
    ("store_id", S, False),
    ("method", S, False),
    ("amount", MONEY, False),
    ("currency", S, False),
    ("is_voided", B, False),
    ("occurred_at", T, False),
    ("business_date", D, False),
)

SILVER_QUARANTINE = _schema(
    ("event_id", S, False),
    ("transaction_id", S, False),
    ("event_type", S, False),
    ("store_id", S, False),
    ("occurred_at", T, False),
    ("reason_code", S, False),
    ("unknown_skus", S, True),
    ("ingest_time", T, False),
)

GOLD_SALES_STORE_HOUR = _schema(
    ("store_id", S, False),
    ("business_hour", INT, False),
    ("currency", S, False),
    ("transactions", L, False),
    ("refund_transactions", L, False),
    ("gross_sales", MONEY, False),
    ("discounts", MONEY, False),
    ("refunds", MONEY, False),
    ("net_sales", MONEY, False),
    ("tax", MONEY, False),
    ("units_sold", QTY, False),
    ("units_refunded", QTY, False),
    ("aov", MONEY, True),
    ("basket_size", MONEY, True),
    ("business_date", D, False),
)

GOLD_PRODUCT_SALES_DAILY = _schema(
    ("store_id", S, False),
    ("sku", S, False),
    ("product_name", S, True),
    ("category", S, True),
    ("units", QTY, False),
    ("revenue", MONEY, False),
    ("receipts", L, False),
    ("source", S, False),
    ("rank_in_store", INT, False),
    ("rank_overall", INT, False),
    ("business_date", D, False),
)

GOLD_BASKET_METRICS_DAILY = _schema(
    ("store_id", S, False),
    ("currency", S, False),
    ("transactions", L, False),
    ("units_sold", QTY, False),
    ("net_sales", MONEY, False),
    ("aov", MONEY, True),
    ("basket_size", MONEY, True),
    ("lines_per_basket", MONEY, True),
    ("loyalty_transactions", L, False),
    ("voided_transactions", L, False),
    ("refund_transactions", L, False),
    ("refund_amount", MONEY, False),
    ("refund_rate", RATIO, True),
    ("business_date", D, False),
)

GOLD_TENDER_MIX_DAILY = _schema(
    ("store_id", S, False),
    ("currency", S, False),
    ("method", S, False),
    ("tender_count", L, False),
    ("amount", MONEY, False),
    ("share", RATIO, True),
    ("business_date", D, False),
)

# Path under the lake root -> schema, in commit order (quarantine last).
OUTPUTS: dict[str, StructType] = {
    "silver/transactions": SILVER_TRANSACTIONS,
    "silver/sales_lines": SILVER_SALES_LINES,
    "silver/tenders": SILVER_TENDERS,
    "gold/sales_store_hour": GOLD_SALES_STORE_HOUR,
    "gold/product_sales_daily": GOLD_PRODUCT_SALES_DAILY,
    "gold/basket_metrics_daily": GOLD_BASKET_METRICS_DAILY,
    "gold/tender_mix_daily": GOLD_TENDER_MIX_DAILY,
    "silver/quarantine": SILVER_QUARANTINE,
}

# Payload parsing: money and quantities straight to exact decimals (JSON numbers or decimal strings).
PAYLOAD = StructType(
    [
        StructField(
            "lines",
            ArrayType(
                _schema(
                    ("lineNo", INT, True),
                    ("sku", S, True),
                    ("quantity", QTY, True),
                    ("unitPrice", MONEY, True),
                    ("discount", MONEY, True),
                    ("lineTotal", MONEY, True),
                )
            ),
        ),
        StructField("tenders", ArrayType(_schema(("method", S, True), ("amount", MONEY, True)))),
    ]
)
