#!/usr/bin/env bash
# Install Debian packages that some tests need (PDF tools, Chromium, blackbox_exporter).
# Usage: scripts/ensure-apt.sh CMD:PACKAGE ...   — installs PACKAGE when CMD is missing.
# Under CI=true a missing package that cannot be installed is an error; elsewhere a warning
# (the tests that need it then say so and skip).
set -u
missing=()
for pair in "$@"; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (apt)" >&2
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") >/tmp/vigil-apt.log 2>&1; then
    exit 0
  fi
  echo "apt-get failed, see /tmp/vigil-apt.log" >&2
fi
if [ "${CI:-}" = "true" ]; then
  echo "error: required packages missing: ${missing[*]}" >&2
  exit 1
fi
echo "warning: packages missing (tests needing them will skip): ${missing[*]}" >&2
exit 0
