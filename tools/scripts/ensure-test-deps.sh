#!/usr/bin/env bash
# Installs what the tests need from outside npm: Debian's Chromium for the browser tests.
# Runs before Jest in `npm test`; a no-op when Chromium is already there.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian chromium for the browser tests (one time)..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || {
    echo "Could not install chromium with apt-get; the browser tests will fail." >&2
    exit 1
  }
else
  echo "Chromium is missing (/usr/bin/chromium). Install it: sudo apt-get install -y chromium" >&2
  exit 1
fi
