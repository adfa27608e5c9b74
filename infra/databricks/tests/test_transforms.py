"""Unit tests of the pure transforms on tiny frames, whole-frame comparisons (local Spark + delta-spark).

Run: .venv/bin/python -m unittest discover -s infra/databricks/tests (driven by test/spark/databricks-unit.test.ts).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import unittest
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE.parents[2] / "scripts" / "python")]

from delta_ref.spark_session import start_session  # noqa: E402
from pyspark.sql import DataFrame, SparkSession  # noqa: E402
from pyspark.testing import assertDataFrameEqual  # noqa: E402

from pos_transforms import gold, master, silver  # noqa: E402
from pos_transforms.hmac_pads import hmac_pads  # noqa: E402
from pos_transforms.job import input_schemas  # noqa: E402

KEY = b"unit-test-key"
IPAD, OPAD = hmac_pads(KEY)
spark: SparkSession


def setUpModule() -> None:
    global spark
    spark, _ = start_session()
    spark.conf.set("spark.sql.session.timeZone", "UTC")


def tearDownModule() -> None:
    spark.stop()


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def receipt(
    txn: str,
    at: str,
    lines: list[tuple[str, str, str]],
    *,
    kind: str = "sale",
    store: str = "S1",
    event_id: str | None = None,
    ingest: str | None = None,
    original: str | None = None,
    customer: str | None = None,
) -> dict:
    """A Bronze row; lines as (sku, quantity, unit price) with money as text."""
    payload_lines = [
        {
            "lineNo": i + 1,
            "sku": s,
            "quantity": float(q) if i % 2 else q,
            "unitPrice": p,
            "discount": "0.00",
            "lineTotal": str(Decimal(q) * Decimal(p)),
        }
        for i, (s, q, p) in enumerate(lines)
    ]
    subtotal = sum((Decimal(q) * Decimal(p) for _, q, p in lines), Decimal("0.00"))
    payload = {"lines": payload_lines, "tenders": [{"method": "card", "amount": str(subtotal)}]}
    return {
        "event_id": event_id or f"e-{txn}-{at}",
        "event_type": kind,
        "schema_version": 1,
        "transaction_id": txn,
        "original_transaction_id": original,
        "store_id": store,
        "register_id": "R01",
        "cashier_id": "E1",
        "customer_id": customer,
        "occurred_at": ts(at),
        "currency": "USD",
        "line_count": len(lines),
        "subtotal": subtotal.quantize(Decimal("0.01")),
        "tax": Decimal("0.00"),
        "total": subtotal.quantize(Decimal("0.01")),
        "loyalty_points": 0,
        "raw_payload": json.dumps(payload),
        "eh_sequence_number": None,
        "ingest_time": ts(ingest or at),
        "ingest_date": date(2026, 1, 1),
    }


def frames(rows: list[dict]) -> tuple[DataFrame, DataFrame, DataFrame]:
    schemas = input_schemas(spark)
    bronze = spark.createDataFrame(rows, schemas["bronze/pos_events"])
    stores = spark.createDataFrame(
        [
            ("S1", "America/New_York", "USD", "f", ts("2026-01-01T00:00:00Z")),
            ("S2", "Europe/Berlin", "EUR", "f", ts("2026-01-01T00:00:00Z")),
        ],
        schemas["bronze/stores"],
    )
    products = spark.createDataFrame(
        [(s, f"P {s}", "C", "B", "f", ts("2026-01-01T00:00:00Z")) for s in ("A", "B")], schemas["bronze/products"]
    )
    return bronze, master.stores(stores), master.products(products)


def build(rows: list[dict]) -> dict[str, DataFrame]:
    bronze, stores, products = frames(rows)
    empty_tx = spark.createDataFrame(
        [], "transaction_id string, event_type string, original_transaction_id string, business_date date"
    )
    everything = (
        bronze.join(stores, "store_id", "left")
        .select("store_id", master.local_time(bronze.occurred_at, stores.time_zone).cast("date").alias("business_date"))
        .distinct()
    )
    return silver.build_silver(bronze, stores, products, everything, empty_tx, IPAD, OPAD)


class SilverRules(unittest.TestCase):
    def test_dedupe_keeps_first_delivery_and_latest_version(self) -> None:
        out = build(
            [
                receipt("T1", "2026-11-16T15:00:00Z", [("A", "1", "1.00")], event_id="e1"),
                receipt(
                    "T1", "2026-11-16T15:00:00Z", [("A", "1", "1.00")], event_id="e1", ingest="2026-11-16T16:00:00Z"
                ),
                receipt("T2", "2026-11-16T15:10:00Z", [("A", "1", "1.00")]),
                receipt("T2", "2026-11-16T15:11:00Z", [("A", "2", "1.00")]),
            ]
        )["silver/transactions"].select("transaction_id", "subtotal")
        assertDataFrameEqual(
            out,
            spark.createDataFrame(
                [("T1", Decimal("1.00")), ("T2", Decimal("2.00"))], "transaction_id string, subtotal decimal(18,2)"
            ),
        )

    def test_void_and_refund_linkage(self) -> None:
        out = build(
            [
                receipt("T1", "2026-11-16T15:00:00Z", [("A", "2", "2.50")]),
                receipt("T2", "2026-11-16T15:30:00Z", [("B", "1", "1.00")]),
                receipt("V2", "2026-11-16T15:31:00Z", [("B", "1", "1.00")], kind="void", original="T2"),
                receipt("R1", "2026-11-17T16:00:00Z", [("A", "1", "2.50")], kind="refund", original="T1"),
            ]
        )["silver/transactions"].select("transaction_id", "original_found", "original_business_date", "is_voided")
        assertDataFrameEqual(
            out,
            spark.createDataFrame(
                [
                    ("R1", True, date(2026, 11, 16), False),
                    ("T1", False, None, False),
                    ("T2", False, None, True),
                    ("V2", True, date(2026, 11, 16), False),
                ],
                "transaction_id string, original_found boolean, original_business_date date, is_voided boolean",
            ),
        )

    def test_store_local_day_and_hour_across_dst(self) -> None:
        out = build(
            [
                receipt("N1", "2026-03-08T06:30:00Z", [("A", "1", "1.00")]),
                receipt("N2", "2026-03-08T07:30:00Z", [("A", "1", "1.00")]),
                receipt("B1", "2026-10-25T00:30:00Z", [("A", "1", "1.00")], store="S2"),
                receipt("B2", "2026-10-25T01:30:00Z", [("A", "1", "1.00")], store="S2"),
                receipt("B3", "2026-11-16T23:30:00Z", [("A", "1", "1.00")], store="S2"),
            ]
        )["silver/transactions"].select("transaction_id", "business_date", "business_hour")
        assertDataFrameEqual(
            out,
            spark.createDataFrame(
                [
                    ("N1", date(2026, 3, 8), 1),
                    ("N2", date(2026, 3, 8), 3),
                    ("B1", date(2026, 10, 25), 2),
                    ("B2", date(2026, 10, 25), 2),
                    ("B3", date(2026, 11, 17), 0),
                ],
                "transaction_id string, business_date date, business_hour int",
            ),
        )

    def test_unknown_master_data_is_quarantined(self) -> None:
        out = build(
            [
                receipt("T1", "2026-11-16T15:00:00Z", [("A", "1", "1.00")]),
                receipt("T2", "2026-11-16T15:05:00Z", [("Z", "1", "1.00"), ("Y", "1", "1.00")]),
                receipt("T3", "2026-11-16T15:10:00Z", [("A", "1", "1.00")], store="S9"),
            ]
        )
        assertDataFrameEqual(
            out["silver/quarantine"].select("transaction_id", "reason_code", "unknown_skus"),
            spark.createDataFrame(
                [("T2", "unknown_sku", "Y,Z"), ("T3", "unknown_store", None)],
                "transaction_id string, reason_code string, unknown_skus string",
            ),
        )
        assertDataFrameEqual(
            out["silver/transactions"].select("transaction_id"),
            spark.createDataFrame([("T1",)], "transaction_id string"),
        )

    def test_customer_ids_are_keyed_hmac(self) -> None:
        out = build([receipt("T1", "2026-11-16T15:00:00Z", [("A", "1", "1.00")], customer="C0001234")])
        expected = hmac.new(KEY, b"C0001234", hashlib.sha256).hexdigest()
        assertDataFrameEqual(
            out["silver/transactions"].select("customer_key"),
            spark.createDataFrame([(expected,)], "customer_key string"),
        )


class GoldRules(unittest.TestCase):
    def test_ratios_round_half_away_from_zero(self) -> None:
        df = spark.createDataFrame([(5, 2), (-5, 2), (1, 3), (2, 3), (7, 0)], "a bigint, b bigint")
        out = df.select("a", "b", gold.div_half_up("a", "b").alias("q"))
        assertDataFrameEqual(
            out,
            spark.createDataFrame(
                [(5, 2, 3), (-5, 2, -3), (1, 3, 0), (2, 3, 1), (7, 0, None)], "a bigint, b bigint, q bigint"
            ),
        )

    def test_hourly_sales_skip_voids_and_subtract_refunds(self) -> None:
        built = build(
            [
                receipt("T1", "2026-11-16T15:00:00Z", [("A", "2", "2.50"), ("B", "1", "1.00")]),
                receipt("T2", "2026-11-16T15:30:00Z", [("B", "1", "1.00")]),
                receipt("V2", "2026-11-16T15:31:00Z", [("B", "1", "1.00")], kind="void", original="T2"),
                receipt("R1", "2026-11-16T15:40:00Z", [("A", "1", "2.50")], kind="refund", original="T1"),
            ]
        )
        out = gold.sales_store_hour(built["silver/transactions"]).select(
            "store_id", "business_hour", "transactions", "refund_transactions", "net_sales", "aov", "basket_size"
        )
        assertDataFrameEqual(
            out,
            spark.createDataFrame(
                [("S1", 10, 1, 1, Decimal("3.50"), Decimal("6.00"), Decimal("3.00"))],
                "store_id string, business_hour int, transactions bigint, refund_transactions bigint, "
                "net_sales decimal(18,2), aov decimal(18,2), basket_size decimal(18,2)",
            ),
        )


if __name__ == "__main__":
    unittest.main()
