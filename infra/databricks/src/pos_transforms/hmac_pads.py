"""HMAC-SHA256 split into pads so Spark's sha2 can compute it (RFC 2104); the key never enters a plan."""

from __future__ import annotations

import hashlib

BLOCK = 64


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    if not key:
        raise ValueError("the HMAC key is empty")
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)
