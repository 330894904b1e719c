#!/usr/bin/env bash
# Bad config or CLI input: `sipref --check` accepts the example config, refuses each broken config
# with exit code 2 and one stderr line "<file>:<line>[:<column>]: <what>", and bad command lines get
# exit code 2 and the usage. Nothing is bound. Usage: cli.sh SIPREF EXAMPLE_CONFIG
source "$(dirname "$0")/lib.sh"
sipref=$1 example=$2
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# sipref ARGS...: runs sipref; leaves its exit code in $rc, its output in $WORK/stdout and stderr.
run() {
  rc=0
  "$sipref" "$@" >"$WORK/stdout" 2>"$WORK/stderr" </dev/null || rc=$?
}

# refused CASE FILE [LINE]: `--check FILE` exits 2 with one line on stderr that starts with
# "FILE:<line>[:<column>]: " (at LINE when given) and prints nothing on stdout.
refused() {
  local name=$1 file=$2 line=${3:-[0-9]+}
  run --check "$file"
  local -a err
  mapfile -t err <"$WORK/stderr"
  if [[ $rc -ne 2 ]]; then
    fail "$name: exit code $rc, expected 2"
  elif [[ ${#err[@]} -ne 1 ]]; then
    fail "$name: ${#err[@]} lines on stderr, expected 1: $(head -c 300 "$WORK/stderr")"
  elif [[ ${err[0]} != "$file:"* || ! ${err[0]#"$file:"} =~ ^$line(:[0-9]+)?:\  ]]; then
    fail "$name: stderr '${err[0]}' is not '$file:${3:-<line>}[:<column>]: <what>'"
  elif [[ -s $WORK/stdout ]]; then
    fail "$name: something on stdout: $(head -c 300 "$WORK/stdout")"
  else
    echo "ok   $name: ${err[0]}"
  fi
}

# usage CASE ARGS...: exits 2, says what is wrong on its first stderr line and prints the usage.
usage() {
  local name=$1
  shift
  run "$@"
  if [[ $rc -ne 2 ]]; then
    fail "$name: exit code $rc, expected 2"
  elif [[ $(head -n 1 "$WORK/stderr") != "sipref: "* ]] || ! grep -q "^usage: sipref" "$WORK/stderr"; then
    fail "$name: no 'sipref: <what>' line and usage on stderr: $(head -c 300 "$WORK/stderr")"
  else
    echo "ok   $name: $(head -n 1 "$WORK/stderr")"
  fi
}

# A valid config; each broken one below differs from it by one mistake (the line numbers given are
# where the mistake is).
valid() {
  cat <<YAML
accounts:
  - { sid: AC0123456789abcdef0123456789abcdef, auth_token: secret-token }
edges:
  ashburn: { address: 127.0.6.1 }
domains:
  - name: example.sip.twilio.local
    sid: SD0123456789abcdef0123456789abcdef
    account: AC0123456789abcdef0123456789abcdef
    voice_url: http://127.0.6.9:8080/voice
YAML
}

# ---- good configs: exit 0
valid >"$WORK/valid.yaml"
for file in "$example" "$WORK/valid.yaml"; do
  run --check "$file"
  if [[ $rc -eq 0 ]]; then
    echo "ok   --check $file: exit 0"
  else
    fail "--check $file: exit code $rc, expected 0: $(head -c 300 "$WORK/stderr")"
  fi
done

# ---- broken configs: exit 2, one line naming file:line[:column]
valid | sed 's/^edges:/colour: blue\nedges:/' >"$WORK/unknown-key.yaml"
refused "unknown top-level key" "$WORK/unknown-key.yaml" 3
valid | sed 's/address: 127.0.6.1 }/address: 127.0.6.1, mtu: 1500 }/' >"$WORK/unknown-nested-key.yaml"
refused "unknown key in an edge" "$WORK/unknown-nested-key.yaml" 4
valid | sed 's/^  ashburn: .*/  - 127.0.6.1/' >"$WORK/wrong-type-list.yaml"
refused "edges as a list, not a mapping" "$WORK/wrong-type-list.yaml" 4
{ valid; echo "timers: { t1_ms: fast }"; } >"$WORK/wrong-type-scalar.yaml"
refused "timer not an integer" "$WORK/wrong-type-scalar.yaml" 10
valid | sed 's/sid: AC0123456789abcdef0123456789abcdef,/sid: AC0123,/' >"$WORK/bad-sid.yaml"
refused "account SID too short" "$WORK/bad-sid.yaml" 2
valid | sed 's/sid: SD0123456789abcdef0123456789abcdef/sid: SD0123456789ABCDEF0123456789ABCDEF/' \
  >"$WORK/bad-domain-sid.yaml"
refused "domain SID in upper case" "$WORK/bad-domain-sid.yaml" 7
valid | grep -v voice_url >"$WORK/missing-key.yaml"
refused "domain without voice_url" "$WORK/missing-key.yaml" 6
valid | sed 's/account: AC0123456789abcdef0123456789abcdef/account: AC0123456789abcdef0123456789abcdee/' \
  >"$WORK/unknown-account.yaml"
refused "domain of an account that is not configured" "$WORK/unknown-account.yaml" 8
valid | sed 's/^  - { sid: AC\(.*\) }$/  - { sid: AC\1/' >"$WORK/yaml-unclosed.yaml"
refused "YAML: unclosed flow mapping" "$WORK/yaml-unclosed.yaml"
valid | sed 's/^  ashburn:/\tashburn:/' >"$WORK/yaml-tab.yaml"
refused "YAML: tab indentation" "$WORK/yaml-tab.yaml" 4
{ valid; echo "edges: {}"; } >"$WORK/repeated-key.yaml"
refused "repeated top-level key" "$WORK/repeated-key.yaml" 10
valid | sed 's/^  - { sid: AC.*/  - sid: |\n      AC0123\n      456\n    auth_token: secret-token/' \
  >"$WORK/multi-line-value.yaml"
refused "a value with line breaks is quoted on one line" "$WORK/multi-line-value.yaml" 2
: >"$WORK/empty.yaml"
refused "empty file" "$WORK/empty.yaml" 1

# A file that is not there (or not a file) has no line to name: one line naming the file.
for file in "$WORK/no-such-file.yaml" "$WORK"; do
  run --check "$file"
  mapfile -t err <"$WORK/stderr"
  if [[ $rc -ne 2 || ${#err[@]} -ne 1 || ${err[0]} != "$file"* ]]; then
    fail "--check $file: exit code $rc and stderr '$(head -c 300 "$WORK/stderr")', expected 2 and one line naming the file"
  else
    echo "ok   --check $file: ${err[0]}"
  fi
done

# The same refusal when starting with --config: nothing is bound.
run --config "$WORK/unknown-key.yaml"
if [[ $rc -eq 2 && $(wc -l <"$WORK/stderr") -eq 1 ]]; then
  echo "ok   --config with a broken config: exit 2"
else
  fail "--config with a broken config: exit code $rc, stderr: $(head -c 300 "$WORK/stderr")"
fi

# ---- bad command lines: exit 2 with the usage; --help: exit 0
usage "no arguments"
usage "unknown flag" --verbose --config "$WORK/valid.yaml"
usage "positional argument" "$WORK/valid.yaml"
usage "--config without a value" --config
usage "--check without a value" --check
usage "bad --log-level" --log-level loud --config "$WORK/valid.yaml"
usage "--log-level without a value" --config "$WORK/valid.yaml" --log-level
for flag in --help -h; do
  run "$flag"
  if [[ $rc -eq 0 ]] && grep -q "^usage: sipref" "$WORK/stdout"; then
    echo "ok   $flag: exit 0 with the usage"
  else
    fail "$flag: exit code $rc, stdout: $(head -c 300 "$WORK/stdout")"
  fi
done

if ((failures > 0)); then
  echo "cli: $failures checks failed" >&2
  exit 1
fi
echo "cli: all config and command-line errors refused as expected"
