#!/usr/bin/env bash
# Starts a Docker engine for testcontainers unless one already answers. No bridge and no iptables:
# containers use the host network and listen on loopback only.
set -euo pipefail
if docker info >/dev/null 2>&1; then
  echo "start-dockerd: engine already running"
  exit 0
fi
log=${DOCKERD_LOG:-/tmp/tickwire-dockerd.log}
nohup dockerd --bridge=none --iptables=false >"$log" 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "start-dockerd: engine up (log: $log)"
    exit 0
  fi
  sleep 1
done
echo "start-dockerd: dockerd did not come up within 60 s; last log lines:" >&2
tail -20 "$log" >&2
exit 1
