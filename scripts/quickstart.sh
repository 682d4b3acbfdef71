#!/usr/bin/env bash
# README command 1: everything the demo needs, then `vmoodle quickstart up` (or `down` with "stop").
set -euo pipefail
cd "$(dirname "$0")/.."
action=up
[ "${1:-}" = "stop" ] && action=down

if [ "$action" = up ]; then
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "» installing mariadb-server (Debian package)"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
    else
      echo "MariaDB is needed. Install it with:  sudo apt-get install -y mariadb-server" >&2
      exit 1
    fi
  fi
  command -v terraform >/dev/null 2>&1 || { echo "The Terraform CLI (>= 1.11) is needed on PATH." >&2; exit 1; }
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "» npm ci"
    npm ci --no-audit --no-fund --silent
  fi
  npx tsc -p tsconfig.json   # the provider, sidecar and CLI (modules/ is not needed here)
fi
[ -f dist/cli/main.js ] || npx tsc -p tsconfig.json
exec node dist/cli/main.js quickstart "$action"
