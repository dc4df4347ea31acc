# Shared by the benchmark scripts (sourced, not run): installs what they need, builds the
# project's targets into the benchmarks' own build directory, and small helpers for measuring.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$repo/build-bench}

# Installs the project's packages (scripts/setup) and the extra tools a benchmark names.
bench_install() {
  "$repo/scripts/setup"
  local missing=() pkg status
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  echo "bench: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Builds only the named targets, RelWithDebInfo as scripts/build does, so the figures are those of
# the shipped build and a benchmark does not wait for every test binary.
bench_build() {
  cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build_dir" -j "${BUILD_JOBS:-2}" --target "$@"
}

# A TCP port on 127.0.0.1 that nothing listens on, at or above $1.
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# Waits until the URL answers 200, for at most 10 seconds.
wait_for_url() {
  local _
  for _ in $(seq 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "bench: $1 did not come up" >&2
  return 1
}

# PostgreSQL refuses to run as root: run it as the postgres system user.
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A throwaway PostgreSQL (pg_stat_statements, pgbench tables, vacuumed) and Redis (some keys) on
# loopback under $1, for the benchmarks that run exporters against them. Sets pg_bin, pg_port,
# pg_dsn, postmaster_pid, redis_port, redis_password and redis_pid, and adds Redis to pids.
start_bench_servers() {
  local dir=$1
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  pg_port=$(free_port 25432)
  redis_port=$(free_port 26379)
  pg_password=bench-pg-password
  redis_password=bench-redis-password
  mkdir -p "$dir/pg" "$dir/redis"
  [[ $(id -u) -eq 0 ]] && chown postgres "$dir/pg"
  echo "$pg_password" >"$dir/pgpass"
  chmod 644 "$dir/pgpass"
  as_postgres "$pg_bin/initdb" -D "$dir/pg/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$dir/pgpass" --no-sync >"$dir/pg/initdb.log"
  as_postgres "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgres.log" -w start -o \
    "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c shared_preload_libraries=pg_stat_statements -c autovacuum=off" >/dev/null
  as_postgres "$pg_bin/psql" -h "$dir/pg" -p "$pg_port" -U postgres -qc "CREATE EXTENSION pg_stat_statements" >/dev/null
  # Some tables and activity, so the per-table and per-database collectors have rows to report.
  as_postgres "$pg_bin/pgbench" -h "$dir/pg" -p "$pg_port" -U postgres -i -q -s 2 postgres >/dev/null 2>&1
  as_postgres "$pg_bin/pgbench" -h "$dir/pg" -p "$pg_port" -U postgres -n -t 200 postgres >/dev/null 2>&1
  # Autovacuum is off and the cluster is vacuumed and checkpointed now, so that its background CPU
  # stays small and steady next to what the scrapes cost it.
  as_postgres "$pg_bin/psql" -h "$dir/pg" -p "$pg_port" -U postgres -qc "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
  postmaster_pid=$(head -n 1 "$dir/pg/data/postmaster.pid")

  redis-server --port "$redis_port" --bind 127.0.0.1 --requirepass "$redis_password" --dir "$dir/redis" \
    --save "" --appendonly no --logfile "$dir/redis/redis.log" --daemonize no &
  redis_pid=$!
  pids+=("$redis_pid")
  for _ in $(seq 100); do redis-cli -p "$redis_port" -a "$redis_password" --no-auth-warning ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-benchmark -p "$redis_port" -a "$redis_password" -n 2000 -q -t set,get,incr,lpush >/dev/null 2>&1

  pg_dsn="postgresql://postgres:${pg_password}@127.0.0.1:${pg_port}/postgres?sslmode=disable"
}

stop_bench_servers() {
  local dir=$1
  [[ -f "$dir/pg/data/postmaster.pid" ]] && as_postgres "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast stop >/dev/null 2>&1 || true
}

# The value at quantile $1 (0..1) of the numbers on stdin, nearest-rank.
quantile() {
  sort -g | awk -v q="$1" '{ v[NR] = $1 } END { i = int(q * NR + 0.999999); if (i < 1) i = 1; print v[i] }'
}

# "a/b" as "0.42x", or "n/a" when b is zero.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2fx\n", a / b }'
}

# "met" when ours/peer <= target, else "**missed**".
verdict() {
  awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { print (b != 0 && a / b <= t) ? "met" : "**missed**" }'
}

machine_description() {
  echo "$(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME")"
}
