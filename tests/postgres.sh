#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on loopback, then stops the server:
#   bash tests/postgres.sh dotnet test ...
# Installs Debian's postgresql where missing (as root). Exports for the command:
#   ACTORGRAPH_TEST_POSTGRES         a superuser connection string (trust auth, no password)
#   ACTORGRAPH_TEST_POSTGRES_SECURE  the same server as role ag_secure, which needs its password (scram-sha-256)
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
if [ ! -x "$bin/initdb" ]; then
  echo "postgres.sh: installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  # Debian starts a cluster of its own; the tests use their own server below.
  service postgresql stop >/dev/null 2>&1 || true
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

dir=$(mktemp -d /tmp/actorgraph-pg-XXXX)
chown postgres:postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_pg() { (cd "$dir" && runuser -u postgres -- "$@"); }

stop() {
  as_pg "$bin/pg_ctl" -D "$dir/data" stop -m fast >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

as_pg "$bin/initdb" -A trust -U postgres -D "$dir/data" >/dev/null
# ag_secure must give its password; everyone else is trusted (a throwaway server on loopback).
sed -i '1i host all ag_secure 127.0.0.1/32 scram-sha-256' "$dir/data/pg_hba.conf"
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE ROLE ag_secure LOGIN PASSWORD 'ag-secure-password' CREATEDB" >/dev/null

export ACTORGRAPH_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
export ACTORGRAPH_TEST_POSTGRES_SECURE="Host=127.0.0.1;Port=$port;Username=ag_secure;Password=ag-secure-password;Database=postgres"
echo "postgres.sh: PostgreSQL on 127.0.0.1:$port (data in $dir)" >&2
"$@"
