"""scan/write through delta-spark."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .spec import Step, WriteSpec
from .values import row_to_json_line, spec_row

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

PROPERTY_DEFAULTS_PREFIX = "spark.databricks.delta.properties.defaults."


def scan(spark: SparkSession, table_path: str, version: int | None) -> list[str]:
    reader = spark.read.format("delta")
    if version is not None:
        reader = reader.option("versionAsOf", version)
    frame = reader.load(table_path)
    schema = frame.schema.jsonValue()
    return [row_to_json_line(row, schema) for row in frame.collect()]


def write(spark: SparkSession, table_path: str, spec: WriteSpec) -> int:
    """Apply the spec's steps in order; returns the table version afterwards."""
    for step in spec.steps:
        apply_step(spark, table_path, spec, step)
    return current_version(spark, table_path)


def apply_step(spark: SparkSession, table_path: str, spec: WriteSpec, step: Step) -> None:
    from delta.tables import DeltaTable

    if step.op == "append":
        append(spark, table_path, spec, step.rows)
        return
    if not DeltaTable.isDeltaTable(spark, table_path):
        append(spark, table_path, spec, [])
    table = DeltaTable.forPath(spark, table_path)
    if step.op == "delete":
        table.delete(step.where)
    elif step.op == "optimize":
        table.optimize().executeCompaction()
    elif step.op == "checkpoint":
        checkpoint(spark, table_path)


def append(spark: SparkSession, table_path: str, spec: WriteSpec, rows: list[Mapping[str, object]]) -> None:
    from delta.tables import DeltaTable

    frame = to_frame(spark, spec, rows)
    if DeltaTable.isDeltaTable(spark, table_path):
        frame.write.format("delta").mode("append").save(table_path)
        return
    with property_defaults(spark, spec.properties):
        frame.write.format("delta").mode("append").partitionBy(*spec.partition_by).save(table_path)


def to_frame(spark: SparkSession, spec: WriteSpec, rows: list[Mapping[str, object]]) -> DataFrame:
    from pyspark.sql.types import StructType

    schema = StructType.fromJson(dict(spec.schema))
    return spark.createDataFrame([spec_row(r, spec.schema) for r in rows], schema=schema)


@contextmanager
def property_defaults(spark: SparkSession, properties: Mapping[str, str]) -> Iterator[None]:
    """Table properties for a new table via Delta's session defaults, so creation stays one commit."""
    keys = [PROPERTY_DEFAULTS_PREFIX + key.removeprefix("delta.") for key in properties]
    for key, value in zip(keys, properties.values(), strict=True):
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key in keys:
            spark.conf.unset(key)


def checkpoint(spark: SparkSession, table_path: str) -> None:
    jvm = spark.sparkContext._jvm  # noqa: SLF001 - no public checkpoint API in delta-spark
    assert jvm is not None
    delta_log = jvm.org.apache.spark.sql.delta.DeltaLog
    delta_log.clearCache()  # the table may have been changed by another engine in this batch
    delta_log.forTable(spark._jsparkSession, table_path).checkpoint()  # noqa: SLF001


def current_version(spark: SparkSession, table_path: str) -> int:
    from delta.tables import DeltaTable

    row = DeltaTable.forPath(spark, table_path).history(1).select("version").first()
    assert row is not None
    return int(row[0])
