#!/usr/bin/env bash
# Install Debian's headless Chromium for the browser test of the HTML brief when it is missing (as root).
# Never fatal: without it that test skips with a message, or fails when NEWSTRACE_REQUIRE_BROWSER=1.
set -u
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium package" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || true
fi
command -v chromium >/dev/null 2>&1 || echo "ensure-chromium: no chromium; the browser test will skip" >&2
exit 0
