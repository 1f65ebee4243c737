# shellcheck shell=bash
# A steady stream of HTTP requests in the background, one logged line per request, and the figures read from the log:
# the measuring equipment for redeploy outages (tests/request-loop.bats, bench/outage.bash). Source this file; it
# sets no shell options of its own. Needs bash 5 (EPOCHREALTIME) and curl.
#
#   request_loop_start OUT PORT HOST           start the loop: GET http://127.0.0.1:PORT/ with `Host: HOST`
#   request_loop_stop OUT                      end it (the request under way is dropped, not logged) and wait
#   request_loop_now_ms                        the current time as the log writes it (epoch milliseconds)
#   request_loop_total OUT [FROM_MS [TO_MS]]   the number of requests (lines)
#   request_loop_failures OUT [FROM_MS [TO_MS]] the number of requests that did not answer 200
#   request_loop_outage_ms OUT FROM_MS TO_MS   the outage in that window, in ms (defined below)
#
# The log OUT has one line per request, in the order they started, appended when it has ended:
#   <epoch milliseconds when the request started> <HTTP status, 000 when there was none>
# The request is `curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Host: HOST" http://127.0.0.1:PORT/`.
# Rate: a request starts 0.1 s after the previous one started, or right away when that one took longer (no burst
# to catch up), so the log's resolution is 0.1 s while the target answers promptly (a few ms more: sleep's own
# overshoot), and up to 2 s while requests time out.
# A window [FROM_MS, TO_MS) holds the requests that started at FROM_MS or later and before TO_MS; without TO_MS it
# is open-ended, without both it is the whole log.
# The loop's pid is kept in OUT.pid (a file, so a loop started inside bats' `run` can still be stopped).

_REQUEST_LOOP_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"

# request_loop_now_ms: epoch milliseconds
request_loop_now_ms() {
  echo "$(($(_request_loop_now_us) / 1000))"
}

# request_loop_start OUT PORT HOST: truncate OUT and start the loop writing to it; returns at once
request_loop_start() {
  local out="$1" port="$2" host="$3"
  if [[ -s "$out.pid" ]] && _request_loop_ours "$(<"$out.pid")" "$out"; then
    echo "request_loop_start: a loop already writes to $out" >&2
    return 1
  fi
  : >"$out"
  # a bash of its own (its command line names the loop and OUT, so a stop never signals a reused pid); every fd
  # closed or redirected (bats' fd 3 included), else bats waits for the loop to end
  # shellcheck disable=SC2016 # the inner bash expands $0 and $@
  bash -c 'source "$0" && _request_loop_run "$@"' "$_REQUEST_LOOP_LIB" "$out" "$port" "$host" \
    </dev/null >/dev/null 2>&1 3>&- &
  echo "$!" >"$out.pid"
}

# request_loop_stop OUT: end the loop writing to OUT and wait until it is gone (at most 5 s, then SIGKILL)
request_loop_stop() {
  local out="$1" pid tries
  [[ -s "$out.pid" ]] || return 0
  pid="$(<"$out.pid")"
  if _request_loop_ours "$pid" "$out"; then
    kill -TERM "$pid" 2>/dev/null || true
    # our child: wait reaps it; one started in another shell (bats' `run`): poll
    wait "$pid" 2>/dev/null || true
    for ((tries = 0; tries < 50; tries++)); do
      _request_loop_alive "$pid" || break
      sleep 0.1
    done
    _request_loop_alive "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$out.pid" "$out.curl"
}

# request_loop_total OUT [FROM_MS [TO_MS]]
request_loop_total() {
  _request_loop_count "$1" "${2:-}" "${3:-}" all
}

# request_loop_failures OUT [FROM_MS [TO_MS]]
request_loop_failures() {
  _request_loop_count "$1" "${2:-}" "${3:-}" failed
}

# request_loop_outage_ms OUT FROM_MS TO_MS: the time the target failed to answer inside the window, in ms.
# The window's requests, in order, fall into runs of consecutive failures (any status but 200) separated by
# successes. Each run is an outage span from the start of its first failed request to the start of the first
# successful request after it, or to TO_MS when no request in the window succeeded after it (the outage lasted at
# least until the window's end). The outage is the sum of the spans: 0 when no request failed; one failed request
# followed by a success counts the 0.1 s (the rate) between their starts. Accuracy: about ±0.1 s per span.
request_loop_outage_ms() {
  local out="$1" from="$2" to="$3"
  awk -v from="$from" -v to="$to" '
    $1 < from || $1 >= to { next }
    $2 != "200" { if (start == "") start = $1; next }
    start != "" { total += $1 - start; start = "" }
    END { if (start != "") total += to - start; print total + 0 }' "$out"
}

# --- internals -----------------------------------------------------------------------------------------------------

# _request_loop_count OUT FROM TO all|failed
_request_loop_count() {
  awk -v from="$2" -v to="$3" -v what="$4" '
    from != "" && $1 < from { next }
    to != "" && $1 >= to { next }
    what == "all" || $2 != "200" { n++ }
    END { print n + 0 }' "$1"
}

# _request_loop_now_us: epoch microseconds (EPOCHREALTIME without its decimal point, which the locale may make a comma)
_request_loop_now_us() {
  echo "${EPOCHREALTIME//[!0-9]/}"
}

# _request_loop_alive PID: running and not a zombie
_request_loop_alive() {
  local state
  state="$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# _request_loop_ours PID OUT: PID is alive and is the loop writing to OUT (its command line is
# `bash -c SCRIPT LIB OUT PORT HOST`, SCRIPT calling _request_loop_run)
_request_loop_ours() {
  local args=()
  _request_loop_alive "$1" || return 1
  mapfile -d '' -t args <"/proc/$1/cmdline" 2>/dev/null || return 1
  [[ "${args[2]:-}" == *_request_loop_run* && "${args[3]:-}" == "$_REQUEST_LOOP_LIB" && "${args[4]:-}" == "$2" ]]
}

# _request_loop_run OUT PORT HOST: the loop itself (the bash request_loop_start starts). curl runs in the background
# and is waited for, so a SIGTERM ends the loop at once (or after the sleep under way, under 0.1 s): the trap kills
# the request under way, which is not logged.
_request_loop_run() {
  local out="$1" url="http://127.0.0.1:$2/" host="$3" start next now pause code curl_pid=""
  trap '[[ -n "$curl_pid" ]] && kill -TERM "$curl_pid" 2>/dev/null; exit 0' TERM INT
  next="${EPOCHREALTIME//[!0-9]/}"
  while true; do
    now="${EPOCHREALTIME//[!0-9]/}"
    if ((now < next)); then
      # sleep takes seconds: the remaining microseconds as 0.NNNNNN (always under 0.1 s here)
      printf -v pause '0.%06d' "$((next - now))"
      sleep "$pause"
    fi
    start="${EPOCHREALTIME//[!0-9]/}"
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Host: $host" "$url" >"$out.curl" 2>/dev/null &
    curl_pid=$!
    wait "$curl_pid"
    curl_pid=""
    code="$(<"$out.curl")"
    [[ "$code" =~ ^[0-9]{3}$ ]] || code=000
    printf '%d %s\n' "$((start / 1000))" "$code" >>"$out"
    # 0.1 s after this one started; already past when it took longer: at once (the loop above does not sleep)
    next=$((start + 100000))
  done
}
