"""POS lakehouse Silver/Gold transforms for Databricks (PySpark + Delta).

The same semantics as the embedded DuckDB engine (shared/transforms/sql/*.sql); the two are held
equal by test/spark/transform-parity.test.ts. `silver` and `gold` hold pure DataFrame -> DataFrame
functions, `io` is the only module that touches storage, `main` only parses arguments.
"""
