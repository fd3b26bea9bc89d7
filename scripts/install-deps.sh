#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the demo need; idempotent.
set -euo pipefail
PKGS=(build-essential cmake pkg-config
      libcurl4-openssl-dev libssl-dev libtinyxml2-dev libisal-dev libcmocka-dev
      swift swift-proxy swift-account swift-container swift-object python3-swift memcached
      ceph-mon ceph-osd radosgw ceph-common
      nodejs curl xxd openssl util-linux clang libclang-rt-14-dev
      abigail-tools doxygen
      libnghttp2-dev librtmp-dev libssh2-1-dev libpsl-dev libkrb5-dev libldap-dev libzstd-dev
      libbrotli-dev libidn2-dev zlib1g-dev
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
