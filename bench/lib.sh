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
