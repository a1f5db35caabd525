#!/usr/bin/env bash
# What the tests need from Debian beyond Node.js: Chromium for the booking pages' browser tests,
# docker-compose to validate the compose file, Radicale (a CalDAV server) for the busy sources'
# CalDAV and ICS tests, and the RabbitMQ server for the test that restarts a broker node of its own
# (the shared broker at AMQP_URL is never restarted; where it is a container, the package's own
# service is kept from starting). Installs only what is missing; needs root
# (or sudo) the first time, and nothing after.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v radicale >/dev/null 2>&1 || missing+=(radicale)
[[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || missing+=(rabbitmq-server)
((${#missing[@]} == 0)) && exit 0
echo "installing from Debian: ${missing[*]}"
sudo=()
[[ "$(id -u)" == 0 ]] || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
# Debian's policy-rc.d convention: no package's service starts during this install (a RabbitMQ
# service would fight the broker already on port 5672). Only when no policy is in place already.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod +x "$policy"
  trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
