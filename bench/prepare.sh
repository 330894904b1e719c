# Sourced by every bench/* script: installs what benches need beyond tools/bootstrap (Kamailio,
# the baseline; python3, the drivers), builds sipref and the bench webhook optimised in build/release.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/tools/bootstrap"

bench_packages=(kamailio python3)
missing=()
for p in "${bench_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  echo "bench: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target sipref bench_webhook >"$root/build/release/bench-build.log" 2>&1 ||
  { tail -n 40 "$root/build/release/bench-build.log" >&2; exit 2; }
# 10,000 calls hold 40,000 relay sockets, and SIPp opens more at high rates.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
export PYTHONPATH="$root/bench/lib${PYTHONPATH:+:$PYTHONPATH}"
