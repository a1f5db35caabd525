#!/usr/bin/env bash
# What the tests need from Debian beyond Node.js: Chromium for the booking pages' browser tests,
# docker-compose to validate the compose file, and Radicale (a CalDAV server) for the busy sources'
# CalDAV and ICS tests. Installs only what is missing; needs root
# (or sudo) the first time, and nothing after.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v radicale >/dev/null 2>&1 || missing+=(radicale)
((${#missing[@]} == 0)) && exit 0
echo "installing from Debian: ${missing[*]}"
sudo=()
[[ "$(id -u)" == 0 ]] || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
