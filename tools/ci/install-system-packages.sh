#!/usr/bin/env bash
# Installs the Debian packages tests need, only when something is missing (apt-get update is slow).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
# binary:package pairs (chromium: the dashboard browser test, driven by playwright-core; no browser download;
# docker-compose, promtool, nginx: the infra checks, tools/e2e/src/infra-config.int.spec.ts. Debian bookworm
# has no current kubectl: where the machine has one, the checks use `kubectl kustomize`, otherwise their own
# renderer, which every run with kubectl compares against it)
wanted=(nats-server:nats-server redis-server:redis-server dockerd:docker.io haproxy:haproxy chromium:chromium docker-compose:docker-compose promtool:prometheus nginx:nginx)
missing=()
for pair in "${wanted[@]}"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-system-packages: all present"
  exit 0
fi
echo "install-system-packages: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
