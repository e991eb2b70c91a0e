#!/usr/bin/env bash
# Start the local PostgreSQL server (if installed) and give the current OS user a role and
# the test database, so tests connect over the Unix socket with peer authentication.
set -u
command -v pg_lsclusters >/dev/null || { echo "postgres: not installed, PostgreSQL tests will skip"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "postgres: not root, using whatever server is running"; exit 0; }
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_createcluster "$version" main >/dev/null
  cluster="$version main"
fi
pg_ctlcluster $cluster start 2>/dev/null || true
user=$(id -un)
for _ in $(seq 1 20); do runuser -u postgres -- psql -qtAc 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done
runuser -u postgres -- psql -qtAc "select 1 from pg_roles where rolname='$user'" | grep -q 1 \
  || runuser -u postgres -- createuser --superuser "$user"
for db in lms_test lms; do
  runuser -u postgres -- psql -qtAc "select 1 from pg_database where datname='$db'" | grep -q 1 \
    || runuser -u postgres -- createdb -O "$user" "$db"
done
echo "postgres: running ($cluster), role $user, databases lms_test and lms"
