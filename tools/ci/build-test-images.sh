#!/usr/bin/env bash
# Builds the local test images integration tests run through testcontainers where no image registry
# is reachable: FROM scratch, holding the Debian nats-server / redis-server binaries and exactly the
# shared libraries `ldd` lists. Image names match what .ci/run exports as NATS_IMAGE / REDIS_IMAGE.
set -euo pipefail

build_image() {
  local tag=$1 binary=$2
  local path
  path=$(command -v "$binary") || { echo "build-test-images: $binary not found (apt-get install $3)" >&2; exit 1; }
  local context
  context=$(mktemp -d)
  mkdir -p "$context/root/tmp" "$context/root/data"
  chmod 1777 "$context/root/tmp"
  for file in "$path" $(ldd "$path" | grep -o '/[^ ]*'); do
    mkdir -p "$context/root$(dirname "$file")"
    cp -L "$file" "$context/root$file"
  done
  cat > "$context/Dockerfile" <<DOCKERFILE
FROM scratch
COPY root/ /
WORKDIR /data
ENTRYPOINT ["$path"]
DOCKERFILE
  docker build --quiet --tag "$tag" "$context" >/dev/null
  rm -rf "$context"
  echo "build-test-images: built $tag from $path"
}

build_image tickwire-test/nats:local nats-server nats-server
build_image tickwire-test/redis:local redis-server redis-server
