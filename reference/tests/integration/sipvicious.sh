#!/usr/bin/env bash
# Access control under a SIP scanner: sipvicious' svmap, svwar (REGISTER, INVITE, OPTIONS over a
# list of existing and missing users) and svcrack against a domain with a credential list. sipref
# must keep serving (OPTIONS liveness after each) and svwar must not tell existing users from
# missing ones. Usage: sipvicious.sh SIPREF BASE_IP
source "$(dirname "$0")/lib.sh"
sipref=$1 base=$2
domain=reg.example.sip.twilio.local

cat >"$WORK/sipref.yaml" <<YAML
accounts:
  - { sid: AC0123456789abcdef0123456789abcdef, auth_token: secret-token }
edges:
  ashburn: { address: $base.1 }
domains:
  - name: $domain
    sid: SD0123456789abcdef0123456789abcdef
    account: AC0123456789abcdef0123456789abcdef
    voice_url: http://$base.9:8080/voice
    registration: true
    credentials:
      - { username: alice, password: alice-secret-1 }
      - { username: "100", password: hundred-secret-1 }
YAML
printf 'alice\nbob\n100\n101\ncarol\n' >"$WORK/users.txt"
start sipref "$sipref" --config "$WORK/sipref.yaml"
await_line "$WORK/sipref.log" " ready " 10

# An OPTIONS over bash's /dev/udp must get 200 within 2 s.
alive() {
  local reply=""
  exec 3<>"/dev/udp/$base.1/5060"
  local request  # one write: bash sends each write on /dev/udp as its own datagram
  printf -v request 'OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:9;rport;branch=z9hG4bK-alive-%s\r\nFrom: <sip:probe@%s>;tag=alive\r\nTo: <sip:%s>\r\nCall-ID: alive-%s@%s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' \
    "$domain" 127.0.0.1 "$RANDOM" "$base.1" "$domain" "$RANDOM" "$base.1"
  printf '%s' "$request" >&3
  # dd: one read() takes the whole datagram (bash's read would take it byte by byte).
  reply=$(timeout 2 dd bs=65535 count=1 <&3 2>/dev/null | head -n 1) || true
  exec 3<&-
  [[ $reply == "SIP/2.0 200"* ]] || { echo "FAIL: sipref stopped answering OPTIONS after $1 (got '$reply')" >&2; exit 1; }
}
# The scanners bind 0.0.0.0:5060 (or the next free port) unless told otherwise: on a machine
# running other SIP tests that takes their ports on every address. They get an address of their own.
scanner=(-b "$base.20" -P 5060)
svmap "${scanner[@]}" -p 5060 "$base.1" >"$WORK/svmap.log" 2>&1 || true
alive svmap
grep -q "$base.1:5060" "$WORK/svmap.log" || { echo "FAIL: svmap did not see sipref" >&2; exit 1; }
for method in REGISTER INVITE OPTIONS; do
  svwar "${scanner[@]}" --domain="$domain" -m "$method" -d "$WORK/users.txt" "$base.1" >"$WORK/svwar-$method.log" 2>&1 || true
  alive "svwar $method"
  for user in alice 100; do
    if grep -Eq "^\| *$user +\|" "$WORK/svwar-$method.log"; then
      echo "FAIL: svwar -m $method told that '$user' exists" >&2; cat "$WORK/svwar-$method.log" >&2; exit 1
    fi
  done
done
svcrack "${scanner[@]}" --domain="$domain" -u alice -r 1-200 "$base.1" >"$WORK/svcrack.log" 2>&1 || true
alive svcrack
grep -q "found nothing" "$WORK/svcrack.log" || { echo "FAIL: svcrack found a password" >&2; cat "$WORK/svcrack.log" >&2; exit 1; }
echo "sipvicious: svmap saw sipref; svwar (REGISTER, INVITE, OPTIONS) told no user apart; svcrack found nothing; sipref kept answering"
