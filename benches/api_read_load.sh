#!/usr/bin/env bash
# Load on a read that writes its audit row: `GET /api/v1/people/{id}` with a
# police token (every view commits a `consult` entry), and `GET /healthz`
# beside it for the server's ceiling. Release build, fresh SQLite file.
#
#   benches/api_read_load.sh            # wrk -t2 -c16 -d8s, as in benches/RESULTS.md
#   CONNECTIONS=32 SECONDS_EACH=15 benches/api_read_load.sh
#
# Needs wrk (Debian package `wrk`).
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${CONNECTIONS:-16}
SECONDS_EACH=${SECONDS_EACH:-8}
cargo build --release --quiet
BIN=$PWD/target/release/kerbside
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export DATABASE_URL="sqlite://$WORK/load.db" ROCKET_PORT=$PORT ROCKET_ADDRESS=127.0.0.1
export ROCKET_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
BASE="http://127.0.0.1:$PORT"
echo "a long password for the load tester only" | "$BIN" user create --username load.pc --name "Load PC" --role police --password-stdin >/dev/null
TOKEN=$("$BIN" token create --username load.pc --name load | tail -n 1)
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
ID=$(curl -fsS -X POST "$BASE/api/v1/people" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"surname":"Kowalski","forenames":"Piotr","date_of_birth":"1979-05-02","sex":"male"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo "== GET /api/v1/people/$ID (audited read), $CONNECTIONS connections, ${SECONDS_EACH}s"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/people/$ID" | grep -E "Requests/sec|^ +(50|75|90|99)%|Non-2xx|Socket errors"
echo "== GET /healthz, $CONNECTIONS connections, ${SECONDS_EACH}s"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency "$BASE/healthz" | grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx"
echo "audit rows written: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from audit_log').fetchone()[0])" "$WORK/load.db")"
