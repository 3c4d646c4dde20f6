#!/usr/bin/env bash
# Installs what the tests need from outside npm: Debian's Chromium for the browser tests and
# Debian's PostgreSQL server for the PostgreSQL tests (the tests start their own throwaway
# cluster; nothing is started here). Runs before Jest in `npm test`; a no-op when both are there.
set -u
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || packages+=(postgresql)
if [ ${#packages[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian ${packages[*]} for the tests (one time)..."
  # The server package would start a cluster of its own: the tests never use it, so it is told not to.
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null) || {
    echo "Could not install ${packages[*]} with apt-get; the tests that need them will fail." >&2
    exit 1
  }
  # Debian's postinst creates and starts a main cluster; stop it, the tests start their own.
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    for c in /etc/postgresql/*/main; do [ -d "$c" ] && pg_ctlcluster "$(basename "$(dirname "$c")")" main stop >/dev/null 2>&1; done
  fi
  exit 0
fi
echo "Missing for the tests: ${packages[*]}. Install: sudo apt-get install -y ${packages[*]}" >&2
exit 1
