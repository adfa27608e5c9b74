"""Repository-relative locations shared by the setup script and the CLI."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
LOCAL_DIR = REPO_ROOT / ".local"
IVY_DIR = LOCAL_DIR / "ivy"
JAR_MANIFEST = LOCAL_DIR / "jars" / "delta-spark.jars"
LOG_DIR = LOCAL_DIR / "logs"
LOG4J2_CONFIG = Path(__file__).resolve().parent / "log4j2.properties"
