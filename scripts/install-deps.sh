#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the demo need; idempotent.
set -euo pipefail
PKGS=(build-essential cmake pkg-config
      libcurl4-openssl-dev libssl-dev libtinyxml2-dev libisal-dev libcmocka-dev
      swift swift-proxy swift-account swift-container swift-object python3-swift memcached
      nodejs curl xxd openssl util-linux
      swig golang-go ruby-dev ruby-minitest openjdk-17-jdk-headless junit4)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
