#!/bin/sh
# Trigger dependencies (contract §1.5): `dokku plugin:install-dependencies` (root) makes sure Node.js >= 18 is installed.
# Debian 12 and Ubuntu 24.04 ship Node.js 18 as the `nodejs` package.
[ -n "$DOKKU_TRACE" ] && set -x
set -e
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$major" -ge 18 ] && exit 0
echo "-----> Installing Node.js (network-host needs >= 18)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nodejs
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 18 ]; then
  echo " !     The distribution's Node.js is older than 18; install Node.js >= 18 from another source" >&2
  exit 1
fi
