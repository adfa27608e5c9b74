"""The `write` command's JSON spec.

{
  "schema": <Spark StructType JSON>,
  "partitionBy": ["col", ...],                  (optional)
  "properties": {"delta.enableDeletionVectors": "true"},   (optional, set when the table is created)
  "create": "onFirstAppend" | "explicit",        (optional, default onFirstAppend)
  "steps": [
    {"op": "append", "rows": [<row in scan JSON format>, ...]},
    {"op": "delete", "where": "<SQL predicate>"},
    {"op": "checkpoint"},
    {"op": "optimize"}
  ]
}
Each step that changes the table is one commit; checkpoint writes a checkpoint of the
current version, and optimize commits only when it rewrites files.

create=onFirstAppend: the first append creates the table (version 0 holds data), like
`df.write.save(path)`. Spark then stores every column as nullable (Delta's behaviour);
delta-rs keeps the nullability. A non-append step on a missing table first appends no rows.
create=explicit: version 0 is a CREATE TABLE commit with the exact schema (NOT NULL kept),
partitioning and properties, on both engines; the steps start at version 1.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .values import Schema, schema_fields

OPS = frozenset({"append", "delete", "checkpoint", "optimize"})
CREATE_MODES = frozenset({"onFirstAppend", "explicit"})


@dataclass(frozen=True)
class Step:
    op: str
    rows: list[Mapping[str, Any]] = field(default_factory=list)
    where: str | None = None


@dataclass(frozen=True)
class WriteSpec:
    schema: Schema
    partition_by: list[str]
    properties: dict[str, str]
    steps: list[Step]
    create: str = "onFirstAppend"


def load_spec(source: str | Mapping[str, Any]) -> WriteSpec:
    """Parse a spec given inline (batch) or as a path to a JSON file."""
    raw = source if isinstance(source, Mapping) else json.loads(Path(source).read_text(encoding="utf-8"))
    return parse_spec(raw)


def parse_spec(raw: Mapping[str, Any]) -> WriteSpec:
    schema = raw["schema"]
    names = {f["name"] for f in schema_fields(schema)}
    partition_by = list(raw.get("partitionBy", []))
    unknown = [c for c in partition_by if c not in names]
    if unknown:
        raise ValueError(f"partitionBy names unknown columns: {unknown}")
    properties = {str(k): str(v) for k, v in raw.get("properties", {}).items()}
    steps = [parse_step(s) for s in raw.get("steps", [])]
    create = raw.get("create", "onFirstAppend")
    if create not in CREATE_MODES:
        raise ValueError(f"create must be one of {sorted(CREATE_MODES)}, got {create!r}")
    if not steps and create != "explicit":
        raise ValueError("spec has no steps")
    return WriteSpec(schema=schema, partition_by=partition_by, properties=properties, steps=steps, create=create)


def parse_step(raw: Mapping[str, Any]) -> Step:
    op = raw.get("op")
    if op not in OPS:
        raise ValueError(f"unknown step op {op!r}; expected one of {sorted(OPS)}")
    if op == "append":
        return Step(op=op, rows=list(raw.get("rows", [])))
    if op == "delete":
        where = raw.get("where")
        if not isinstance(where, str) or not where:
            raise ValueError("delete step needs a non-empty 'where' predicate")
        return Step(op=op, where=where)
    return Step(op=op)
