"""Helpers that drive the reference Delta engines (delta-spark, delta-rs) for the interop tests."""
