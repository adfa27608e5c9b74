"""scan/write through delta-rs (the `deltalake` package); no JVM involved."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pyarrow as pa
from deltalake import DeltaTable, write_deltalake
from deltalake import Schema as DeltaSchema

from .spec import Step, WriteSpec
from .values import DataType, Schema, decimal_scale, row_to_json_line, schema_fields, spec_row

_PRIMITIVES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "long": pa.int64(),
    "integer": pa.int32(),
    "short": pa.int16(),
    "byte": pa.int8(),
    "float": pa.float32(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "binary": pa.binary(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "timestamp_ntz": pa.timestamp("us"),
}


def scan(table_path: str, version: int | None) -> list[str]:
    table = DeltaTable(table_path, version=version)
    schema: Schema = json.loads(table.schema().to_json())
    # DeltaTable.scan() is delta-rs' own DataFusion reader: it applies deletion vectors
    # and column mapping, unlike the plain pyarrow dataset.
    data = pa.RecordBatchReader.from_stream(table.scan()).read_all()
    names = [f["name"] for f in schema_fields(schema)]
    return [row_to_json_line(row, schema) for row in data.select(names).to_pylist()]


def write(table_path: str, spec: WriteSpec) -> int:
    if spec.create == "explicit":
        DeltaTable.create(
            table_path,
            DeltaSchema.from_json(json.dumps(spec.schema)),
            mode="error",
            partition_by=spec.partition_by or None,
            configuration=spec.properties or None,
        )
    for step in spec.steps:
        apply_step(table_path, spec, step)
    return DeltaTable(table_path).version()


def apply_step(table_path: str, spec: WriteSpec, step: Step) -> None:
    if step.op == "append":
        append(table_path, spec, step.rows)
        return
    if not DeltaTable.is_deltatable(table_path):
        append(table_path, spec, [])
    table = DeltaTable(table_path)
    if step.op == "delete":
        table.delete(step.where)
    elif step.op == "optimize":
        table.optimize.compact()
    elif step.op == "checkpoint":
        table.create_checkpoint()


def append(table_path: str, spec: WriteSpec, rows: list[Mapping[str, Any]]) -> None:
    arrow_schema = to_arrow_schema(spec.schema)
    data = pa.Table.from_pylist([spec_row(r, spec.schema) for r in rows], schema=arrow_schema)
    if DeltaTable.is_deltatable(table_path):
        write_deltalake(table_path, data, mode="append")
        return
    write_deltalake(
        table_path,
        data,
        mode="append",
        partition_by=spec.partition_by or None,
        configuration=spec.properties or None,
    )


def to_arrow_schema(schema: Schema) -> pa.Schema:
    return pa.schema([to_arrow_field(f) for f in schema_fields(schema)])


def to_arrow_field(field: Mapping[str, Any]) -> pa.Field:
    return pa.field(field["name"], to_arrow_type(field["type"]), nullable=bool(field.get("nullable", True)))


def to_arrow_type(dtype: DataType) -> pa.DataType:
    if isinstance(dtype, Mapping):
        return _complex_arrow_type(dtype)
    if dtype in _PRIMITIVES:
        return _PRIMITIVES[dtype]
    scale = decimal_scale(dtype)
    if scale is not None:
        precision = int(dtype.removeprefix("decimal(").split(",")[0])
        return pa.decimal128(precision, scale)
    raise ValueError(f"unsupported data type: {dtype}")


def _complex_arrow_type(dtype: Mapping[str, Any]) -> pa.DataType:
    kind = dtype.get("type")
    if kind == "struct":
        return pa.struct([to_arrow_field(f) for f in dtype["fields"]])
    if kind == "array":
        element = pa.field("element", to_arrow_type(dtype["elementType"]), nullable=dtype.get("containsNull", True))
        return pa.list_(element)
    if kind == "map":
        value = pa.field("value", to_arrow_type(dtype["valueType"]), nullable=dtype.get("valueContainsNull", True))
        return pa.map_(to_arrow_type(dtype["keyType"]), value)
    raise ValueError(f"unsupported data type: {dtype}")
