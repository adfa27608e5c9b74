"""Compact JSON encoding that matches JavaScript's JSON.stringify byte for byte.

The project's `lakehouse table scan` output is produced by Node, so numbers must be
printed the way ECMAScript's Number::toString does (100.0 -> "100", 1e21 -> "1e+21",
1e-7 -> "1e-7", -0.0 -> "0"), strings must keep non-ASCII characters unescaped, and
integers (Delta longs) must be printed exactly, even beyond 2^53.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence

JsonOut = None | bool | int | float | str | Sequence["JsonOut"] | Mapping[str, "JsonOut"]


def js_number(value: float) -> str:
    """Format a finite float like ECMAScript Number.prototype.toString."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits, n = _shortest_digits(abs(value))
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    exponent = n - 1
    exp_text = ("+" if exponent >= 0 else "-") + str(abs(exponent))
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return sign + mantissa + "e" + exp_text


def _shortest_digits(value: float) -> tuple[str, int]:
    """Return (digits, n) with value == 0.digits * 10**n, digits the shortest round-trip."""
    text = repr(value)  # Python's repr is the shortest round-tripping representation.
    mantissa, _, exp_part = text.partition("e")
    exponent = int(exp_part) if exp_part else 0
    int_part, _, frac_part = mantissa.partition(".")
    all_digits = int_part + frac_part
    stripped_leading = all_digits.lstrip("0")
    digits = stripped_leading.rstrip("0")
    trailing = len(stripped_leading) - len(digits)
    power = exponent - len(frac_part) + trailing  # value == int(digits) * 10**power
    return digits, power + len(digits)


def encode(value: JsonOut) -> str:
    """Serialize a JSON tree compactly, preserving key order."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        items = (json.dumps(str(k), ensure_ascii=False) + ":" + encode(v) for k, v in value.items())
        return "{" + ",".join(items) + "}"
    return "[" + ",".join(encode(item) for item in value) + "]"
