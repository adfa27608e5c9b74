"""Conversions between engine values and the project's scan JSON format.

Types are described by the Delta/Spark schema JSON (`"long"`, `"decimal(18,2)"`,
`{"type": "struct", "fields": [...]}` ...). The same code serves both engines:
PySpark and pyarrow both hand back Decimal, datetime, date, bytes, dicts/Rows and
lists, so only the schema decides the output format.
"""

from __future__ import annotations

import base64
import math
import re
import struct
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .jsonl import JsonOut, encode

DataType = str | Mapping[str, Any]
Schema = Mapping[str, Any]

INTEGER_TYPES = frozenset({"byte", "short", "integer", "long"})
FLOAT_TYPES = frozenset({"float", "double"})
_DECIMAL_RE = re.compile(r"^decimal\((\d+),\s*(-?\d+)\)$")
_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def decimal_scale(dtype: str) -> int | None:
    match = _DECIMAL_RE.match(dtype)
    return int(match.group(2)) if match else None


def schema_fields(schema: Schema) -> list[Mapping[str, Any]]:
    fields = schema.get("fields")
    if schema.get("type") != "struct" or not isinstance(fields, list):
        raise ValueError("schema must be a Spark StructType JSON object")
    return fields


# ---------------------------------------------------------------------------
# engine value -> scan JSON


def row_to_json_line(row: Sequence[Any] | Mapping[str, Any], schema: Schema) -> str:
    return encode(struct_to_json(row, schema))


def struct_to_json(value: Sequence[Any] | Mapping[str, Any], schema: Schema) -> dict[str, JsonOut]:
    fields = schema_fields(schema)
    items = [value.get(f["name"]) for f in fields] if isinstance(value, Mapping) else list(value)
    return {f["name"]: to_json_value(v, f["type"]) for f, v in zip(fields, items, strict=True)}


def to_json_value(value: Any, dtype: DataType) -> JsonOut:
    if value is None:
        return None
    if isinstance(dtype, Mapping):
        return _complex_to_json(value, dtype)
    if dtype in INTEGER_TYPES:
        return int(value)
    if dtype == "double":
        return _float_to_json(float(value))
    if dtype == "float":
        return _float_to_json(shortest_float32(float(value)))
    if dtype in ("string", "boolean"):
        return value  # type: ignore[no-any-return]
    if dtype == "binary":
        return base64.b64encode(bytes(value)).decode("ascii")
    if dtype == "date":
        return format_date(value)
    if dtype in ("timestamp", "timestamp_ntz"):
        return format_timestamp(value) + "Z"  # the scan format prints both with Z
    scale = decimal_scale(dtype)
    if scale is not None:
        return format_decimal(Decimal(value), scale)
    raise ValueError(f"unsupported data type: {dtype}")


def _complex_to_json(value: Any, dtype: Mapping[str, Any]) -> JsonOut:
    kind = dtype.get("type")
    if kind == "struct":
        return struct_to_json(value, dtype)
    if kind == "array":
        return [to_json_value(item, dtype["elementType"]) for item in value]
    if kind == "map":
        pairs = value.items() if isinstance(value, Mapping) else value
        return {_map_key(k, dtype["keyType"]): to_json_value(v, dtype["valueType"]) for k, v in pairs}
    raise ValueError(f"unsupported data type: {dtype}")


def _map_key(key: Any, dtype: DataType) -> str:
    converted = to_json_value(key, dtype)
    return converted if isinstance(converted, str) else encode(converted)


def _float_to_json(value: float) -> float | str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def shortest_float32(value: float) -> float:
    """The shortest decimal that reads back as the same float32, as Spark prints a FloatType.

    Mirrors shortestFloat32 in shared/delta/read/json-rows.ts: Number.toPrecision(p) for
    p = 1..9 (which rounds half up on the exact binary value), first hit of Math.fround.
    """
    if not math.isfinite(value):
        return value
    exact = Decimal(value)
    for precision in range(1, 10):
        candidate = float(_to_precision(exact, precision))
        if _fround(candidate) == value:
            return candidate
    return value


def _to_precision(exact: Decimal, precision: int) -> Decimal:
    if exact.is_zero():
        return exact
    quantum = Decimal(1).scaleb(exact.adjusted() - precision + 1)
    return exact.quantize(quantum, rounding=ROUND_HALF_UP)


def _fround(value: float) -> float:
    try:
        return float(struct.unpack("<f", struct.pack("<f", value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def format_decimal(value: Decimal, scale: int) -> str:
    quantized = value.quantize(Decimal(1).scaleb(-scale)) if scale > 0 else value.quantize(Decimal(1))
    text = format(quantized, "f")
    return text[1:] if quantized.is_zero() and text.startswith("-") else text


def format_date(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def format_timestamp(value: datetime) -> str:
    """ISO-8601 with microseconds, no zone suffix; aware values are converted to UTC first.

    Naive values are taken as UTC: delta_tool runs with TZ=UTC, so PySpark's local-time
    conversion of `timestamp` columns yields UTC wall-clock values.
    """
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T"
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
    )


# ---------------------------------------------------------------------------
# scan JSON (as given in write specs) -> Python values accepted by PySpark and pyarrow


def spec_row(row: Mapping[str, Any], schema: Schema) -> dict[str, Any]:
    fields = schema_fields(schema)
    unknown = set(row) - {f["name"] for f in fields}
    if unknown:
        raise ValueError(f"row has columns not in the schema: {sorted(unknown)}")
    return {f["name"]: from_json_value(row.get(f["name"]), f["type"]) for f in fields}


def from_json_value(value: Any, dtype: DataType) -> Any:
    if value is None:
        return None
    if isinstance(dtype, Mapping):
        return _complex_from_json(value, dtype)
    if dtype in INTEGER_TYPES:
        return _exact_int(value)
    if dtype in FLOAT_TYPES:
        return _SPECIAL_FLOATS[value] if isinstance(value, str) else float(value)
    if dtype in ("string", "boolean"):
        return value
    if dtype == "binary":
        return base64.b64decode(value, validate=True)
    if dtype == "date":
        return date.fromisoformat(value)
    if dtype == "timestamp":
        return parse_timestamp(value).replace(tzinfo=timezone.utc)
    if dtype == "timestamp_ntz":
        return parse_timestamp(value)
    if decimal_scale(dtype) is not None:
        return Decimal(str(value))
    raise ValueError(f"unsupported data type: {dtype}")


def _complex_from_json(value: Any, dtype: Mapping[str, Any]) -> Any:
    kind = dtype.get("type")
    if kind == "struct":
        return spec_row(value, dtype)
    if kind == "array":
        return [from_json_value(item, dtype["elementType"]) for item in value]
    if kind == "map":
        key_type = dtype["keyType"]
        keys = [_map_key_from_json(k, key_type) for k in value]
        return dict(zip(keys, (from_json_value(v, dtype["valueType"]) for v in value.values()), strict=True))
    raise ValueError(f"unsupported data type: {dtype}")


def _map_key_from_json(key: str, dtype: DataType) -> Any:
    if dtype in INTEGER_TYPES:
        return int(key)
    return from_json_value(key, dtype)


def _exact_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected an integer, got {value!r}")
    return int(value)


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO-8601 timestamp; a zone suffix is honoured, the result is naive UTC."""
    parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed
