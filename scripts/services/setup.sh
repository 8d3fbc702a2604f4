#!/usr/bin/env bash
# Configures the local PostgreSQL and MariaDB for OpenDMS's tests and benchmarks, and starts
# them when they are stopped. Idempotent: a second run changes nothing and restarts nothing.
#
#   PostgreSQL: wal_level=logical, max_replication_slots and max_wal_senders >= 32 (CDC needs
#               one slot and one sender per task), trust auth on 127.0.0.1 (as installed).
#   MariaDB:    binary log on, binlog_format=ROW, binlog_row_image=FULL, server_id=1,
#               local_infile on (bulk load), enough connections for parallel tests.
#
# Needs root (it edits the server configuration). Safe to run on a developer machine: it
# only raises settings and marks its own block in my.cnf.
set -euo pipefail

log() { printf '[services] %s\n' "$*"; }

# ---------- PostgreSQL ----------
pg_version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$pg_version" ]; then
  log "PostgreSQL is not installed (no /etc/postgresql); install it: apt-get install -y postgresql"
  exit 1
fi
pg_start() { pg_ctlcluster --skip-systemctl-redirect "$pg_version" main "$1" >/dev/null; }
pg_ready() { psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; }
wait_pg() {
  for _ in $(seq 1 60); do pg_ready && return 0; sleep 0.5; done
  log "PostgreSQL did not come up on 127.0.0.1:5432"; return 1
}
if ! pg_ready; then
  log "starting PostgreSQL $pg_version"
  pg_start start || true
  wait_pg
fi
pg_setting() { psql -h 127.0.0.1 -U postgres -d postgres -Atc "select setting from pg_settings where name = '$1'"; }
pg_restart=0
if [ "$(pg_setting wal_level)" != "logical" ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "ALTER SYSTEM SET wal_level = 'logical'"; pg_restart=1
fi
for s in max_replication_slots max_wal_senders; do
  if [ "$(pg_setting $s)" -lt 32 ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "ALTER SYSTEM SET $s = 32"; pg_restart=1
  fi
done
if [ "$(pg_setting max_connections)" -lt 200 ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "ALTER SYSTEM SET max_connections = 200"; pg_restart=1
fi
if [ "$pg_restart" = 1 ]; then
  log "restarting PostgreSQL to apply wal_level=logical and replication limits"
  pg_start restart
  wait_pg
fi
log "PostgreSQL $(pg_setting server_version): wal_level=$(pg_setting wal_level) max_replication_slots=$(pg_setting max_replication_slots) max_wal_senders=$(pg_setting max_wal_senders)"

# ---------- MariaDB ----------
cnf=/etc/mysql/my.cnf
[ -f "$cnf" ] || { log "MariaDB is not installed (no $cnf); install it: apt-get install -y mariadb-server"; exit 1; }
my_ready() { mariadb -uroot -h127.0.0.1 -e 'select 1' >/dev/null 2>&1; }
wait_my() {
  for _ in $(seq 1 60); do my_ready && return 0; sleep 0.5; done
  log "MariaDB did not come up on 127.0.0.1:3306 (see /var/log/mysql/error.log)"; return 1
}
my_start() {
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
}
if ! my_ready; then
  log "starting MariaDB"
  my_start
  wait_my
fi
my_var() { mariadb -uroot -h127.0.0.1 -Nse "select @@$1"; }
wanted=$(cat <<'CNF'
# BEGIN opendms (scripts/services/setup.sh): row-based binlog for change data capture
[mariadbd]
log_bin = mariadb-bin
binlog_format = ROW
binlog_row_image = FULL
server_id = 1
expire_logs_days = 2
local_infile = 1
max_connections = 300
# END opendms
CNF
)
if ! grep -q '^# BEGIN opendms' "$cnf"; then
  printf '\n%s\n' "$wanted" >> "$cnf"
fi
if [ "$(my_var log_bin)" != "1" ] || [ "$(my_var binlog_format)" != "ROW" ] || [ "$(my_var binlog_row_image)" != "FULL" ] || [ "$(my_var server_id)" = "0" ]; then
  log "restarting MariaDB to apply the row-based binary log"
  mariadb-admin -uroot -h127.0.0.1 shutdown || true
  for _ in $(seq 1 60); do pgrep -x mariadbd >/dev/null || break; sleep 0.5; done
  my_start
  wait_my
fi
log "MariaDB $(my_var version): log_bin=$(my_var log_bin) binlog_format=$(my_var binlog_format) binlog_row_image=$(my_var binlog_row_image) server_id=$(my_var server_id)"
