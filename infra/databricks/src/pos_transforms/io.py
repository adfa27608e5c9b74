"""The one module that touches storage: Delta reads and partition rewrites, the HMAC key, the watermark."""

from __future__ import annotations

import json
import os

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

BRONZE = "bronze/pos_events"
STORES = "bronze/stores"
PRODUCTS = "bronze/products"
HISTORY = "bronze/sales_history"
INPUTS = [BRONZE, STORES, PRODUCTS, HISTORY]
# Where the last successful run's watermark lives (WATERMARK_KEY in shared/pipeline/transform-step.ts).
WATERMARK_FILE = "ops/transform/watermark.json"


def table_path(root: str, name: str) -> str:
    return f"{root.rstrip('/')}/{name}"


def is_delta(spark: SparkSession, path: str) -> bool:
    from delta.tables import DeltaTable

    return DeltaTable.isDeltaTable(spark, path)


def version_of(spark: SparkSession, root: str, name: str) -> int:
    path = table_path(root, name)
    if not is_delta(spark, path):
        return -1
    from delta.tables import DeltaTable

    return int(DeltaTable.forPath(spark, path).history(1).select("version").first()[0])


def read_table(spark: SparkSession, root: str, name: str, schema: StructType) -> DataFrame:
    """The table, or an empty frame of `schema` when it does not exist yet."""
    path = table_path(root, name)
    if not is_delta(spark, path):
        return spark.createDataFrame([], schema)
    return spark.read.format("delta").load(path)


def read_added_since(spark: SparkSession, root: str, name: str, since: int, schema: StructType) -> DataFrame:
    """Rows of the data files committed after version `since` and still live.

    Adds with dataChange=false count too: a compaction's output holds rows of files added after
    `since` (whose adds it removed). Restating a store-day whose rows only moved is harmless.
    """
    path = table_path(root, name)
    if since < 0 or not is_delta(spark, path):
        return read_table(spark, root, name, schema)
    current = version_of(spark, root, name)
    if current <= since:
        return spark.createDataFrame([], schema)
    commits = [f"{path}/_delta_log/{v:020d}.json" for v in range(since + 1, current + 1)]
    log = spark.read.json(commits)
    added = {
        r["path"]: r["partitionValues"]
        for r in log.where("add IS NOT NULL").select("add.path", "add.partitionValues").collect()
    }
    if "remove" in log.columns:
        for r in log.where("remove IS NOT NULL").select("remove.path").collect():
            added.pop(r["path"], None)
    if not added:
        return spark.createDataFrame([], schema)
    names = [p.split("/")[-1] for p in added]
    table = spark.read.format("delta").load(path)
    return table.where(F.col("_metadata.file_name").isin(names))


def conform(df: DataFrame, schema: StructType) -> DataFrame:
    return df.select([F.col(f.name).cast(f.dataType).alias(f.name) for f in schema.fields])


def write_partitions(df: DataFrame, root: str, name: str, schema: StructType, dates: list[str] | None) -> None:
    """Replaces whole business_date partitions (replaceWhere) or, with dates=None, the whole table."""
    partitioned = "business_date" in schema.fieldNames() and name != "silver/quarantine"
    writer = conform(df, schema).write.format("delta").mode("overwrite")
    if partitioned:
        writer = writer.partitionBy("business_date")
        if dates is not None:
            quoted = ", ".join(f"DATE'{d}'" for d in dates)
            writer = writer.option("replaceWhere", f"business_date IN ({quoted})")
    writer.save(table_path(root, name))


def hmac_key(secret_scope: str | None, secret_key: str | None, env_name: str | None) -> bytes:
    """From a Databricks secret scope, or locally from an environment variable (never logged)."""
    if secret_scope and secret_key:
        from pyspark.dbutils import DBUtils  # type: ignore[import-not-found]

        spark = SparkSession.getActiveSession()
        return DBUtils(spark).secrets.get(secret_scope, secret_key).encode()
    if env_name and os.environ.get(env_name):
        return os.environ[env_name].encode()
    raise ValueError("no HMAC key: pass --hmac-secret-scope/--hmac-secret-key or --hmac-key-env")


def watermark(spark: SparkSession, root: str) -> dict[str, int]:
    return {name: version_of(spark, root, name) for name in INPUTS}


def watermark_json(run_id: str, mark: dict[str, int]) -> str:
    """The file's text, as the embedded engine writes it: `JSON.stringify({instanceId, watermark}, null, 2)`."""
    return json.dumps({"instanceId": run_id, "watermark": mark}, indent=2, ensure_ascii=False)


def write_watermark(spark: SparkSession, root: str, run_id: str, mark: dict[str, int]) -> str:
    """Records `mark` as the watermark of the successful run `run_id`; returns the file's URL.

    Goes through the Hadoop FileSystem API (py4j), so it writes wherever the Delta writes do: abfss://
    on Databricks, local paths in tests. The session's Hadoop configuration includes the storage
    credentials set on the session (`spark.conf.set`), not just the cluster's.
    """
    url = table_path(root, WATERMARK_FILE)
    jvm = spark.sparkContext._jvm  # noqa: SLF001 - no public Python API for the Hadoop FileSystem
    conf = spark._jsparkSession.sessionState().newHadoopConf()  # noqa: SLF001
    path = jvm.org.apache.hadoop.fs.Path(url)
    out = path.getFileSystem(conf).create(path, True)
    try:
        out.write(watermark_json(run_id, mark).encode("utf-8"))
    finally:
        out.close()
    return url


def parse_since(text: str | None) -> dict[str, int] | None:
    if not text:
        return None
    value = json.loads(text)
    return {k: int(v) for k, v in value.items()}
