#!/usr/bin/env bash
# API fuzzing: schemathesis against /api/openapi.json of a fresh debug server on SQLite.
#
#   tests/schemathesis/run.sh SERVER_BINARY SCHEMATHESIS_BINARY
#
# Starts the server on a free port with an empty data directory and the rate limits off,
# signs up a few people and seeds chats, messages, a reaction, pictures and contact requests,
# then lets schemathesis (settings and exclusions in schemathesis.toml) send up to
# API_FUZZ_EXAMPLES (25) generated cases per operation and phase, as the fuzzing user with a
# bearer token, and check every answer: no 5xx, only the statuses the document lists, the
# documented content type and body schema, 401 without the token, 4xx for input the schema
# forbids. Path and body ids are the seeded ones half of the time, so the handlers get past
# their 404s. Fails on any failure, on a server panic, or when the fuzzing token stopped
# working; prints the number of cases. API_FUZZ_ARGS passes more options to schemathesis
# (`--seed N` to replay a run); API_FUZZ_REPORT_DIR keeps the reports (API_FUZZ_REPORTS:
# junit by default, e.g. junit,har to see every request).
set -euo pipefail

server=${1:?usage: run.sh SERVER_BINARY SCHEMATHESIS_BINARY}
schemathesis=${2:?usage: run.sh SERVER_BINARY SCHEMATHESIS_BINARY}
examples=${API_FUZZ_EXAMPLES:-25}
here=$(cd "$(dirname "$0")" && pwd)

root=$(cd "$here/../.." && pwd -P)

data=$(mktemp -d)
# CARGO_TARGET_DIR may be shared by several checkouts, and target/debug/parlor is whichever
# built last: run a copy, and only one whose debug info names this checkout.
for attempt in 1 2 3; do
	cp "$server" "$data/parlor"
	grep -qaP "\Q$root\E\x00" "$data/parlor" && break
	[ "$attempt" = 3 ] && { echo "api-fuzz: $server keeps coming from another checkout" >&2; rm -rf "$data"; exit 1; }
	echo "api-fuzz: $server was built from another checkout; building again"
	(cd "$root" && cargo build --quiet --features server --bin parlor)
done
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
env -u DATABASE_URL -u REDIS_URL -u S3_BUCKET -u S3_ENDPOINT IP=127.0.0.1 PORT="$port" DATA_DIR="$data" RUST_LOG=warn \
	LIMIT_MESSAGES_PER_SECOND=0 LIMIT_API_PER_MINUTE=0 LIMIT_ANON_PER_MINUTE=0 LIMIT_LOGIN_FAILURES=0 \
	"$data/parlor" > "$data/server.log" 2>&1 &
pid=$!
cleanup() {
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "$data"
}
trap cleanup EXIT
fail() {
	echo "api-fuzz: $*" >&2
	echo "--- server log (last 40 lines)" >&2
	tail -n 40 "$data/server.log" >&2
	exit 1
}
for _ in $(seq 150); do curl -sf "$base/health" >/dev/null && break; sleep 0.2; done
curl -sf "$base/health" >/dev/null || fail "the server did not start"

# call METHOD PATH [JSON] [TOKEN]: the response body; fails on a non-2xx answer.
call() {
	local args=(-sS --fail-with-body -X "$1" "$base$2")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data "$3")
	[ -n "${4:-}" ] && args+=(-H "Authorization: Bearer $4")
	curl "${args[@]}" || fail "$1 $2 failed"
}
# field JSON PATH: one value out of a JSON document (PATH like .user.id).
field() {
	python3 -c 'import json, sys
value = json.loads(sys.argv[1])
for key in sys.argv[2].strip(".").split("."):
    value = value[key]
print(value)' "$1" "$2"
}

password=fuzzing-password-1
signup() {
	call POST /api/auth/register "{\"username\":\"$1\",\"password\":\"$password\"}" >/dev/null
	call POST /api/auth/login "{\"username\":\"$1\",\"password\":\"$password\",\"deviceName\":\"schemathesis\"}"
}
# The people: the fuzzing user and the others its requests name.
me=$(signup fuzzer)
token=$(field "$me" .accessToken)
my_id=$(field "$me" .user.id)
peer=$(signup fuzz-peer)
peer_token=$(field "$peer" .accessToken)
peer_id=$(field "$peer" .user.id)
other_id=$(field "$(signup fuzz-other)" .user.id)
blockee_id=$(field "$(signup fuzz-blockee)" .user.id)
friend=$(signup fuzz-friend)
friend_id=$(field "$friend" .user.id)
stranger=$(signup fuzz-stranger)
stranger_token=$(field "$stranger" .accessToken)

# Chats: the direct one, a group the fuzzing user owns, and one group for each route that ends
# something (deleting, leaving, removing members), so the others keep theirs.
group() { # OWNER_TOKEN NAME MEMBER_ID...: the group's id and slug
	local owner=$1 name=$2 ids
	shift 2
	ids=$(printf '"%s",' "$@")
	field "$(call POST /api/chats/group "{\"name\":\"$name\",\"participantIds\":[${ids%,}]}" "$owner")" .chat.id
}
direct_id=$(field "$(call POST /api/chats/direct "{\"userId\":\"$peer_id\"}" "$token")" .chat.id)
group_id=$(group "$token" Fuzzing "$peer_id" "$other_id")
group_slug=$(field "$(call GET "/api/chats/$group_id" "" "$token")" .chat.slug)
doomed_id=$(group "$token" Doomed "$peer_id")
leaving_id=$(group "$peer_token" Leaving "$my_id")
members_id=$(group "$token" Members "$peer_id" "$other_id")

# Messages: one with a reaction in the group, one from the peer, one to delete.
send() { # TOKEN CHAT CLIENT_ID: the new message's id
	field "$(call POST "/api/chats/$2/messages" "{\"content\":\"hello **fuzz** $3\",\"clientId\":\"$3\"}" "$1")" .message.id
}
message_id=$(send "$token" "$group_id" seed-1)
peer_message_id=$(send "$peer_token" "$direct_id" seed-2)
doomed_message_id=$(send "$token" "$group_id" seed-3)
call POST "/api/messages/$message_id/reactions" '{"emoji":"👍"}' "$token" >/dev/null

# Contacts: a request waiting for the fuzzing user, and a contact to remove.
request_id=$(field "$(call POST /api/contacts/requests '{"username":"fuzzer"}' "$stranger_token")" .request.id)
friend_request=$(field "$(call POST /api/contacts/requests '{"username":"fuzzer"}' "$(field "$friend" .accessToken)")" .request.id)
call POST "/api/contacts/requests/$friend_request/accept" "" "$token" >/dev/null

# Pictures: one to fetch, others to attach or use as avatars (each can be sent once).
python3 -c 'import base64, sys; sys.stdout.buffer.write(base64.b64decode(sys.argv[1]))' \
	iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg== > "$data/seed.png"
upload() {
	field "$(curl -sS --fail-with-body -H "Authorization: Bearer $token" -F "file=@$data/seed.png;type=image/png" "$base/api/media")" .id \
		|| fail "uploading a seed picture failed"
}
media_id=$(upload)
spare_media_ids="$(upload) $(upload) $(upload)"

# Signing out ends sessions, so those routes run as other people: with the fuzzing token they
# would turn every later case into a 401. DELETE /api/sessions/{id} runs as a user with a
# second device to sign out; POST /api/auth/logout as the stranger.
devices=$(signup fuzz-devices)
devices_token=$(field "$devices" .accessToken)
second=$(call POST /api/auth/login "{\"username\":\"fuzz-devices\",\"password\":\"$password\",\"deviceName\":\"second\"}")
session_id=$(python3 -c 'import base64, json, sys
payload = sys.argv[1].split(".")[1]
print(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"])' "$(field "$second" .accessToken)")

# For the config: each variable a TOML list of strings.
list() { printf '"%s", ' "$@" | sed 's/, $//'; }
export FUZZ_CHATS=$(list "$group_id" "$direct_id") FUZZ_DOOMED_CHAT=$(list "$doomed_id") FUZZ_LEAVING_CHAT=$(list "$leaving_id")
export FUZZ_MEMBERS_CHAT=$(list "$members_id") FUZZ_SLUGS=$(list "$group_slug")
export FUZZ_MESSAGES=$(list "$message_id" "$peer_message_id") FUZZ_DOOMED_MESSAGE=$(list "$doomed_message_id")
export FUZZ_USERS=$(list "$peer_id" "$other_id" "$friend_id" "$my_id") FUZZ_BLOCKEE=$(list "$blockee_id")
export FUZZ_MEMBERS=$(list "$peer_id" "$other_id") FUZZ_FRIEND=$(list "$friend_id") FUZZ_REQUESTS=$(list "$request_id")
export FUZZ_MEDIA=$(list "$media_id") FUZZ_SPARE_MEDIA=$(list $spare_media_ids) FUZZ_SESSIONS=$(list "$session_id")
export FUZZ_TOKEN="$token" FUZZ_LOGOUT_TOKEN="$stranger_token" FUZZ_DEVICES_TOKEN="$devices_token"
echo "api-fuzz: seeded on $base: chats $FUZZ_CHATS, messages $FUZZ_MESSAGES, users $FUZZ_USERS, session $FUZZ_SESSIONS"

# The config with the seeded ids filled in (schemathesis reads ${VAR} in headers, not in dictionaries).
python3 - "$here/schemathesis.toml" > "$data/schemathesis.toml" <<'EOF'
import os, re, sys
print(re.sub(r"\$\{(FUZZ_[A-Z_]+)\}", lambda m: os.environ[m.group(1)], open(sys.argv[1]).read()))
EOF

report=${API_FUZZ_REPORT_DIR:-$data/report}
started=$(date +%s)
set +e
# Hypothesis' caches go to the temporary directory, not into the checkout.
HYPOTHESIS_STORAGE_DIRECTORY="$data/hypothesis" "$schemathesis" --config-file "$data/schemathesis.toml" run "$base/api/openapi.json" \
	--max-examples "$examples" ${API_FUZZ_ARGS:-} --report "${API_FUZZ_REPORTS:-junit}" --report-dir "$report" --no-color \
	> "$data/schemathesis.log" 2>&1
status=$?
set -e
elapsed=$(( $(date +%s) - started ))
cat "$data/schemathesis.log"
operations=$(grep -oE "^ *Tested: [0-9]+" "$data/schemathesis.log" | tail -n 1 | tr -dc 0-9)
cases=$(grep -oE "^ *[0-9]+ generated" "$data/schemathesis.log" | tail -n 1 | tr -dc 0-9)
echo "api-fuzz: ${cases:-?} schemathesis cases on ${operations:-?} operations in ${elapsed} s (${examples} per operation and phase at most)"
# Cases sent after the fuzzing token stopped working would only have tested the 401.
curl -sf -o /dev/null -H "Authorization: Bearer $token" "$base/api/users/me" \
	|| fail "the fuzzing user's token was signed out during the run; later cases only met 401"
if [ "$status" -ne 0 ]; then
	grep -E "panicked|ERROR" "$data/server.log" | tail -n 20 >&2 || true
	fail "schemathesis found failures (exit $status)"
fi
if grep -q "panicked" "$data/server.log"; then
	fail "the server panicked during fuzzing"
fi
