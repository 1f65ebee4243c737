#!/bin/sh
# Trigger install (contract §1.5, §4.2): runs as root on every plugin:install and Dokku upgrade, for every plugin, so it
# must be idempotent, quick and never fail. Plain sh: Node may not be installed yet.
[ -n "$DOKKU_TRACE" ] && set -x
config="${DOKKU_LIB_ROOT:-/var/lib/dokku}/config/network-host"
mkdir -p "$config" && chmod 0755 "$config"
if id "${DOKKU_SYSTEM_USER:-dokku}" >/dev/null 2>&1; then
  chown "${DOKKU_SYSTEM_USER:-dokku}:${DOKKU_SYSTEM_GROUP:-dokku}" "$config" || true
fi
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 18 ]; then
  echo " !     network-host needs Node.js >= 18 (found: $(node --version 2>/dev/null || echo none)); install it with: dokku plugin:install-dependencies" >&2
fi
exit 0
