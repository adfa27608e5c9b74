"""scan/write through delta-spark."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .spec import Step, WriteSpec
from .values import row_to_json_line, spec_row

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql.types import DataType

PROPERTY_DEFAULTS_PREFIX = "spark.databricks.delta.properties.defaults."


def scan(spark: SparkSession, table_path: str, version: int | None) -> list[str]:
    reader = spark.read.format("delta")
    if version is not None:
        reader = reader.option("versionAsOf", version)
    frame = reader.load(table_path)
    schema = frame.schema.jsonValue()
    columns = [with_ordered_maps(quoted_column(f.name), f.dataType).alias(f.name) for f in frame.schema.fields]
    return [row_to_json_line(row, schema) for row in frame.select(*columns).collect()]


def quoted_column(name: str) -> Column:
    """A top-level column by exact name (dots and backticks are not nesting/quoting syntax here)."""
    from pyspark.sql import functions as sf

    return sf.col("`" + name.replace("`", "``") + "`")


def with_ordered_maps(column: Column, dtype: DataType) -> Column:
    """Turn every map into its entry array, so collect() keeps the stored entry order.

    PySpark hands maps back as dicts built through a Java hash map, which reorders entries;
    delta-rs (and the project's reader) keep the order stored in the Parquet file.
    """
    from pyspark.sql import functions as sf
    from pyspark.sql.types import ArrayType, MapType, StructType

    if not contains_map(dtype):
        return column
    if isinstance(dtype, MapType):
        return sf.transform(
            sf.map_entries(column),
            lambda entry: sf.struct(
                with_ordered_maps(entry.getField("key"), dtype.keyType).alias("key"),
                with_ordered_maps(entry.getField("value"), dtype.valueType).alias("value"),
            ),
        )
    if isinstance(dtype, ArrayType):
        return sf.transform(column, lambda element: with_ordered_maps(element, dtype.elementType))
    assert isinstance(dtype, StructType)
    fields = [with_ordered_maps(column.getField(f.name), f.dataType).alias(f.name) for f in dtype.fields]
    return sf.when(column.isNull(), sf.lit(None)).otherwise(sf.struct(*fields))


def contains_map(dtype: DataType) -> bool:
    from pyspark.sql.types import ArrayType, MapType, StructType

    if isinstance(dtype, MapType):
        return True
    if isinstance(dtype, ArrayType):
        return contains_map(dtype.elementType)
    if isinstance(dtype, StructType):
        return any(contains_map(f.dataType) for f in dtype.fields)
    return False


def write(spark: SparkSession, table_path: str, spec: WriteSpec) -> int:
    """Apply the spec's steps in order; returns the table version afterwards."""
    if spec.create == "explicit":
        create_table(spark, table_path, spec)
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


def create_table(spark: SparkSession, table_path: str, spec: WriteSpec) -> None:
    from delta.tables import DeltaTable
    from pyspark.sql.types import StructType

    builder = DeltaTable.create(spark).location(table_path).addColumns(StructType.fromJson(dict(spec.schema)))
    if spec.partition_by:
        builder = builder.partitionedBy(*spec.partition_by)
    for key, value in spec.properties.items():
        builder = builder.property(key, value)
    builder.execute()


def to_frame(spark: SparkSession, spec: WriteSpec, rows: list[Mapping[str, object]]) -> DataFrame:
    from pyspark.sql.types import StructType

    schema = StructType.fromJson(dict(spec.schema))
    return spark.createDataFrame([spec_row(r, spec.schema) for r in rows], schema=schema)


@contextmanager
def property_defaults(spark: SparkSession, properties: Mapping[str, str]) -> Iterator[None]:
    """Table properties for a new table via Delta's session defaults, so creation stays one commit."""
    custom = [key for key in properties if not key.startswith("delta.")]
    if custom:
        raise ValueError(f"Spark can set only delta.* properties on the first append ({custom}); use create=explicit")
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
