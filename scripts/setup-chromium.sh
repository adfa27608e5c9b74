#!/usr/bin/env bash
# Installs headless Chromium (Debian package `chromium`) for the Data Docs rendering test
# (test/integration/dq/data-docs-chromium.test.ts). Idempotent: does nothing when /usr/bin/chromium
# exists. Needs root (or passwordless sudo) and apt access, as on the CI machines.
#
# Usage: scripts/setup-chromium.sh
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
    echo "setup-chromium: /usr/bin/chromium is missing and this user cannot apt-get install it (run as root)" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
