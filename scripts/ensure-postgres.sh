#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 for the test suite.
# Order: already running -> start an existing Debian cluster -> install Debian's postgresql (as root) and start it.
# Never fatal: without a server the PostgreSQL tests skip, or fail when NEWSTRACE_REQUIRE_PG=1 (CI).
set -u
ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }
ready && exit 0
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for v in $(ls /etc/postgresql); do pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true; done
  sleep 2; ready && exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ ! -d /etc/postgresql ]; then
  echo "ensure-postgres: installing Debian's postgresql package" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 || true
  for v in $(ls /etc/postgresql 2>/dev/null); do
    conf=/etc/postgresql/$v/main/pg_hba.conf
    # trust on loopback for the test role, as on the project's machines
    grep -q "newstrace-test" "$conf" 2>/dev/null || sed -i '1i host all all 127.0.0.1/32 trust # newstrace-test' "$conf"
    pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true
  done
  sleep 2
  su postgres -c "psql -qc \"DO \\\$\\\$BEGIN CREATE ROLE $(id -un) SUPERUSER LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END\\\$\\\$\"" >/dev/null 2>&1 || true
  ready && exit 0
fi
echo "ensure-postgres: no PostgreSQL server on 127.0.0.1:5432; PostgreSQL tests will skip" >&2
exit 0
