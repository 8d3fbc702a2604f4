#!/usr/bin/env bash
# Configures the local PostgreSQL and MariaDB for OpenDMS's tests and benchmarks, and starts
# them when they are stopped. Idempotent: a second run changes nothing and restarts nothing.
#
#   PostgreSQL: wal_level=logical, max_replication_slots and max_wal_senders >= 32 (CDC needs
#               one slot and one sender per task), trust auth on 127.0.0.1 (as installed)
#               except for members of the role opendms_password_auth (scram-sha-256), and
#               ssl=on with a test CA (/etc/opendms-test/ca.pem; server cert for localhost
#               and 127.0.0.1; /etc/opendms-test/other-ca.pem is an unrelated CA).
#   MariaDB:    binary log on, binlog_format=ROW, binlog_row_image=FULL, server_id=1,
#               local_infile on (bulk load), enough connections for parallel tests;
#               binlog_row_metadata=FULL where the server has it (MariaDB 10.5+), so TABLE_MAP
#               events carry column names (capture decodes rows by the names they had then).
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
# SSL with a test CA (so connection tests cover SslMode require / verify-ca / verify-full),
# and password authentication for members of one test role (so a wrong password really
# fails: everyone else keeps trust on 127.0.0.1). Files are made once; settings are
# applied with ALTER SYSTEM + reload, which is enough for ssl and pg_hba.conf.
ssl_dir=/var/lib/postgresql/opendms-ssl
pub_dir=/etc/opendms-test
if [ ! -s "$ssl_dir/server.crt" ] || [ ! -s "$ssl_dir/server.key" ] || [ ! -s "$ssl_dir/ca.crt" ]; then
  log "making a test CA and a server certificate for PostgreSQL in $ssl_dir"
  mkdir -p "$ssl_dir"
  openssl req -x509 -new -nodes -newkey rsa:2048 -days 3650 -subj "/CN=OpenDMS test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$ssl_dir/ca.key" -out "$ssl_dir/ca.crt" 2>/dev/null
  openssl req -new -nodes -newkey rsa:2048 -subj "/CN=localhost" -keyout "$ssl_dir/server.key" -out "$ssl_dir/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >"$ssl_dir/server.ext"
  openssl x509 -req -in "$ssl_dir/server.csr" -CA "$ssl_dir/ca.crt" -CAkey "$ssl_dir/ca.key" -CAcreateserial \
    -days 3650 -extfile "$ssl_dir/server.ext" -out "$ssl_dir/server.crt" 2>/dev/null
  chown -R postgres:postgres "$ssl_dir"
  chmod 700 "$ssl_dir"; chmod 600 "$ssl_dir/server.key" "$ssl_dir/ca.key"
fi
# World-readable copies for the tests: the CA that signed the server certificate, and an
# unrelated CA that must make verification fail.
mkdir -p "$pub_dir"
cmp -s "$ssl_dir/ca.crt" "$pub_dir/ca.pem" || install -m 644 "$ssl_dir/ca.crt" "$pub_dir/ca.pem"
if [ ! -s "$pub_dir/other-ca.pem" ]; then
  openssl req -x509 -new -nodes -newkey rsa:2048 -days 3650 -subj "/CN=OpenDMS unrelated test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout /dev/null -out "$pub_dir/other-ca.pem" 2>/dev/null
  chmod 644 "$pub_dir/other-ca.pem"
fi
pg_reload=0
for kv in "ssl_cert_file=$ssl_dir/server.crt" "ssl_key_file=$ssl_dir/server.key" "ssl=on"; do
  if [ "$(pg_setting "${kv%%=*}")" != "${kv#*=}" ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "ALTER SYSTEM SET ${kv%%=*} = '${kv#*=}'"; pg_reload=1
  fi
done
psql -h 127.0.0.1 -U postgres -d postgres -qc "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'opendms_password_auth') THEN CREATE ROLE opendms_password_auth NOLOGIN; END IF; END \$\$"
hba=$(pg_setting hba_file)
if ! grep -q '+opendms_password_auth' "$hba"; then
  log "pg_hba.conf: members of opendms_password_auth authenticate with scram-sha-256 on 127.0.0.1"
  # First matching line wins, so this goes above the trust lines. Rewritten in place
  # (cat >) to keep the file's owner and mode.
  hba_new=$(printf '%s\n%s\n%s\n' \
    '# opendms (scripts/services/setup.sh): test roles that must give a password (wrong-password tests)' \
    'host all +opendms_password_auth 127.0.0.1/32 scram-sha-256' \
    "$(cat "$hba")")
  printf '%s\n' "$hba_new" >"$hba"
  pg_reload=1
fi
if [ "$pg_reload" = 1 ]; then
  log "reloading PostgreSQL to apply ssl and pg_hba.conf"
  psql -h 127.0.0.1 -U postgres -d postgres -qAtc 'select pg_reload_conf()' >/dev/null
  for _ in $(seq 1 20); do [ "$(pg_setting ssl)" = on ] && break; sleep 0.25; done
fi
if [ "$(pg_setting ssl)" != on ]; then
  log "PostgreSQL did not turn ssl on (see its log: the certificate in $ssl_dir may be unreadable)"; exit 1
fi
log "PostgreSQL $(pg_setting server_version): wal_level=$(pg_setting wal_level) max_replication_slots=$(pg_setting max_replication_slots) max_wal_senders=$(pg_setting max_wal_senders) ssl=$(pg_setting ssl) (CA: $pub_dir/ca.pem)"

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
# binlog_row_metadata: MariaDB 10.5+ (MySQL 8.0.1+); older servers refuse to start with it.
my_version=$(my_var version)
row_metadata=0
case "$my_version" in
  *MariaDB*) [ "$(printf '%s\n' 10.5 "${my_version%%-*}" | sort -V | head -n1)" = 10.5 ] && row_metadata=1 ;;
  *) [ "$(printf '%s\n' 8.0.1 "${my_version%%-*}" | sort -V | head -n1)" = 8.0.1 ] && row_metadata=1 ;;
esac
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
if [ "$row_metadata" = 1 ]; then
  wanted=${wanted/$'\n'# END opendms/$'\n'binlog_row_metadata = FULL$'\n'# END opendms}
fi
if ! grep -q '^# BEGIN opendms' "$cnf"; then
  printf '\n%s\n' "$wanted" >> "$cnf"
elif [ "$row_metadata" = 1 ] && ! grep -q '^binlog_row_metadata' "$cnf"; then
  # A block written by an older version of this script: add the line to it.
  sed -i 's/^# END opendms$/binlog_row_metadata = FULL\n# END opendms/' "$cnf"
fi
if [ "$(my_var log_bin)" != "1" ] || [ "$(my_var binlog_format)" != "ROW" ] || [ "$(my_var binlog_row_image)" != "FULL" ] || [ "$(my_var server_id)" = "0" ] \
  || { [ "$row_metadata" = 1 ] && [ "$(my_var binlog_row_metadata)" != "FULL" ]; }; then
  log "restarting MariaDB to apply the row-based binary log"
  mariadb-admin -uroot -h127.0.0.1 shutdown || true
  for _ in $(seq 1 60); do pgrep -x mariadbd >/dev/null || break; sleep 0.5; done
  my_start
  wait_my
fi
log "MariaDB $(my_var version): log_bin=$(my_var log_bin) binlog_format=$(my_var binlog_format) binlog_row_image=$(my_var binlog_row_image) server_id=$(my_var server_id)$([ "$row_metadata" = 1 ] && echo " binlog_row_metadata=$(my_var binlog_row_metadata)")"
