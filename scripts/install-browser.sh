#!/usr/bin/env bash
# Installs the headless browser the UI tests drive: Debian's `chromium` and
# `chromium-driver` (chromedriver). Does nothing when both are already there.
set -euo pipefail

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver
