#!/bin/sh
# network-host's trigger entry: every trigger file at the plugin root links here (plugn runs <plugin>/<trigger>, and
# $0 keeps the trigger's name). Triggers run for every app on the host, so this answers in plain sh whatever it can:
# apps that never use the plugin cost a few file tests and never start Node, and configured apps get their docker
# arguments from the answers the plugin wrote when their settings changed (docs/derived-arguments.md). Node starts only
# for calls that need it (a stale answer, the host-mode preflight and hand-off, clone and rename, k3s builds), and a
# host without Node still deploys.
# Generated from src/sh/hook.sh by build.mjs: edit that file, not this one.
[ -n "$DOKKU_TRACE" ] && set -x

name=${0##*/}
plugin_dir=${0%/*}
lib=${DOKKU_LIB_ROOT:-/var/lib/dokku}
conf=$lib/config/network-host
data=$lib/data/network-host

warn() { printf ' !     %s\n' "$*" >&2; }

# valid_app: Dokku's app-name rule; anything else is not an app this plugin stores anything for.
valid_app() {
  case $1 in
    '' | *[!a-z0-9.-]* | [!a-z0-9]* | *..*) return 1 ;;
  esac
}

# version_at_least A B: the version A (X.Y.Z, a suffix after Z is ignored) is B or newer.
version_at_least() {
  old_ifs=$IFS
  IFS=.
  # shellcheck disable=SC2086 # split on the dots on purpose
  set -- $1 $2
  IFS=$old_ifs
  [ "$1" -ne "$4" ] 2>/dev/null && { [ "$1" -gt "$4" ]; return; }
  [ "$2" -ne "$5" ] 2>/dev/null && { [ "$2" -gt "$5" ]; return; }
  [ "${3%%[!0-9]*}" -ge "$6" ] 2>/dev/null
}

# node_ok: the Node.js on PATH is at least the one the bundles are built for (package.json's engines.node); $found is
# its version, or none.
node_ok() {
  found=$(node --version 2>/dev/null) && [ -n "$found" ] || found=none
  [ "$found" != none ] && version_at_least "${found#v}" @NODE_FLOOR@
}

# to_node: hand the call to the triggers bundle. Without a Node.js it can run on, say what is skipped and return, so
# the caller goes on.
to_node() {
  if node_ok; then exec node "$plugin_dir/triggers/triggers" "$name" "$@"; fi
  warn "network-host: Node.js >= @NODE_FLOOR@ is missing (found: $found), so $name for ${app:-this call} runs without the plugin's checks (install it: dokku plugin:install-dependencies)"
  return 1
}

# fresh DIR TARGET: the answers in DIR are newer than every setting of TARGET and every global setting. (`-nt` is not
# POSIX, but dash and busybox sh, the /bin/sh of every Dokku host, have it.)
# shellcheck disable=SC3013
fresh() {
  [ -f "$1/stamp" ] || return 1
  for f in "$conf/$2" "$conf/$2"/* "$conf/--global" "$conf/--global"/*; do
    [ -e "$f" ] || continue
    [ "$1/stamp" -nt "$f" ] || return 1
  done
}

# bridge_fresh DIR KEY: a build answer holding the bridge address holds until dockerd starts again (a new pidfile).
# shellcheck disable=SC3013 # -nt: as in fresh
bridge_fresh() {
  case $2 in build.*) ;; *) return 0 ;; esac
  [ -f "$1/bridge" ] || return 0
  pidfile=
  IFS= read -r pidfile <"$1/bridge" || :
  [ -n "$pidfile" ] && [ -e "$pidfile" ] && [ "$1/stamp" -nt "$pidfile" ]
}

# print_answer FILE: line 1 is the trigger's output, the other lines are warnings.
print_answer() {
  out=
  {
    IFS= read -r out || :
    while IFS= read -r w; do warn "$w"; done
  } <"$1"
  printf '%s' "$out"
}

# docker_args KEY FALLBACK ARGS...: the precomputed answer of the app (its own, else the global one), or Node's. FALLBACK,
# when given, is the answer to use when there is no file KEY (a process type without a deploy.<process> file).
docker_args() {
  key=$1
  fallback=$2
  shift 2
  app=$1
  valid_app "$app" || exit 0
  if [ -d "$data/$app/args" ]; then
    d=$data/$app/args
  elif [ -d "$conf/$app" ]; then
    d=
  elif [ -d "$conf/--global" ]; then
    d=$data/--global/args
  else
    exit 0
  fi
  if [ -n "$d" ] && [ -n "$fallback" ] && [ ! -f "$d/$key" ]; then key=$fallback; fi
  if [ -n "$d" ] && fresh "$d" "$app" && [ -f "$d/$key" ] && bridge_fresh "$d" "$key"; then
    print_answer "$d/$key"
    exit 0
  fi
  to_node "$@"
  # Without Node, the last answer written is the best there is.
  if [ -n "$d" ] && [ -f "$d/$key" ]; then print_answer "$d/$key"; fi
  exit 0
}

# The docker-args triggers run for every container of every app: answer them before the rest of this file is read.
case "$name" in
  docker-args-process-build) docker_args "build.$2" "" "$@" ;;
  docker-args-process-deploy)
    # `APP IMAGE_SOURCE_TYPE IMAGE_TAG [PROC_TYPE [CONTAINER_INDEX]]`: no process type for app.json tasks; a file per
    # selected process type (and web), deploy-others for the rest (docs/derived-arguments.md).
    case $4 in
      '') docker_args deploy "" "$@" ;;
      *[!A-Za-z0-9_-]*) docker_args deploy-others "" "$@" ;;
      *) docker_args "deploy.$4" deploy-others "$@" ;;
    esac
    ;;
  docker-args-process-run) docker_args run "" "$@" ;;
esac

# mode_of APP: the app's mode, else the global mode, else off (only the stored value: Node validates it).
mode_of() {
  m=off
  if [ -f "$conf/$1/mode" ]; then
    IFS= read -r m <"$conf/$1/mode" || :
  elif [ -f "$conf/--global/mode" ]; then
    IFS= read -r m <"$conf/--global/mode" || :
  fi
}

# deploys_on_host APP: the stored mode (the app's, else the global one) is host and the phases (the app's, else the
# global ones, else all) include deploy: deploysOnHost of src/lib/properties.ts on the stored values.
deploys_on_host() {
  mode_of "$1"
  [ "$m" = host ] || return 1
  p=build,deploy,run
  if [ -f "$conf/$1/phases" ]; then
    IFS= read -r p <"$conf/$1/phases" || :
  elif [ -f "$conf/--global/phases" ]; then
    IFS= read -r p <"$conf/--global/phases" || :
  fi
  case ",$p," in *,deploy,*) return 0 ;; esac
  return 1
}

# selects_web APP: the stored processes (the app's, else the global ones) are empty (every type) or list web:
# selectsProcess of src/lib/properties.ts on the stored value.
selects_web() {
  f=$conf/$1/processes
  [ -f "$f" ] || f=$conf/--global/processes
  [ -f "$f" ] || return 0
  p=
  while IFS= read -r l || [ -n "$l" ]; do p=$p,$l; done <"$f"
  case "$p," in *,web,*) return 0 ;; esac
  # empty: every process type
  case $p in *[!,]*) return 1 ;; esac
}

# print_lines FILE: a file's lines, without starting a process.
print_lines() {
  while IFS= read -r line || [ -n "$line" ]; do printf '%s\n' "$line"; done <"$1"
}

# report_block APP: the block of an app without settings while the global mode is off is the same for every app.
report_block() {
  [ -n "$DOKKU_QUIET_OUTPUT" ] || printf '=====> %s network-host information\n' "$1"
  if [ -n "$2" ]; then print_lines "$2"; else printf '%s' @UNTOUCHED_BLOCK@; fi
}

# scheduler_of APP: the app's scheduler, else the global one, else docker-local (plugins/scheduler).
scheduler_of() {
  s=docker-local
  if [ -f "$lib/config/scheduler/$1/selected" ]; then
    IFS= read -r s <"$lib/config/scheduler/$1/selected" || :
  elif [ -f "$lib/config/scheduler/--global/selected" ]; then
    IFS= read -r s <"$lib/config/scheduler/--global/selected" || :
  fi
}

# own_dirs: create the plugin's directories, 0755 and dokku's (never following a link planted there).
own_dirs() {
  for dir in "$conf" "$data"; do
    [ -L "$dir" ] && continue
    mkdir -p "$dir" && chmod 0755 "$dir"
    if id "${DOKKU_SYSTEM_USER:-dokku}" >/dev/null 2>&1; then
      chown -h "${DOKKU_SYSTEM_USER:-dokku}:${DOKKU_SYSTEM_GROUP:-dokku}" "$lib/config" "$lib/data" "$dir" 2>/dev/null || :
    fi
  done
}

# drop_legacy_docker_options: releases before 0.2 could write their arguments into Dokku's docker-options
# (apply=docker-options) and recorded them; the triggers give them now, so exactly those entries are removed.
drop_legacy_docker_options() {
  for record in "$conf"/*/applied-docker-options; do
    [ -f "$record" ] || continue
    target=${record%/*}
    target=${target##*/}
    while IFS= read -r entry || [ -n "$entry" ]; do
      [ -n "$entry" ] || continue
      [ "$target" = --global ] || dokku docker-options:remove "$target" "${entry%% *}" "${entry#* }" >/dev/null 2>&1 ||
        warn "network-host: could not remove the docker-option ${entry#* } (${entry%% *}) of $target"
    done <"$record"
    rm -f "$record" "$conf/$target/apply"
    echo "-----> network-host: $target's arguments come from the plugin's triggers now (its docker-options entries were removed)"
  done
  rm -f "$conf/--global/apply"
}

# drop_own_labels: the labels the plugin wrote into traefik's store (it recorded each one, as NAME=VALUE), each only
# while the store still holds exactly what the plugin wrote, as the planner's labelEdit does: a label the user has
# rewritten since stays. The store is proxy's labels file (plugins/proxy/functions fn-proxy-get-labels-file-path).
drop_own_labels() {
  for record in "$data"/*/labels; do
    [ -f "$record" ] || continue
    app=${record%/*}
    app=${app##*/}
    while IFS= read -r label || [ -n "$label" ]; do
      [ -n "$label" ] || continue
      grep -qxF -- "$label" "$lib/config/traefik/$app/labels" 2>/dev/null || continue
      dokku traefik:labels:remove "$app" "${label%%=*}" >/dev/null 2>&1
    done <"$record"
  done
}

case "$name" in
  scheduler-deploy | scheduler-run)
    # The host-mode preflight: `scheduler-deploy SCHEDULER APP TAG [PROC]`, `scheduler-run SCHEDULER APP ...`.
    app=$2
    valid_app "$app" || exit 0
    mode_of "$app"
    [ "$m" = host ] && to_node "$@"
    exit 0
    ;;
  post-container-create)
    # `post-container-create app CID APP PHASE [PROC]`: the host-mode hand-off, when a previous web container exists
    # and web is in host mode (a web left out of `processes` keeps Dokku's zero-downtime deploys).
    app=$3
    [ "$1" = app ] && [ "$4" = deploy ] && [ "$5" = web ] && valid_app "$app" || exit 0
    mode_of "$app"
    [ "$m" = host ] || exit 0
    selects_web "$app" || exit 0
    for f in "${DOKKU_ROOT:-/home/dokku}/$app"/CONTAINER.web.*; do
      [ -f "$f" ] && to_node "$@"
      break
    done
    exit 0
    ;;
  check-deploy)
    # `check-deploy APP CID PROC PORT IP INDEX`: a web container that redeploys on the other port of its pair
    # (src/lib/switch.ts) must listen there before Dokku's checks pass it.
    app=$1
    [ "$3" = web ] && valid_app "$app" && [ -f "$data/$app/switch" ] && to_node "$@"
    exit 0
    ;;
  scheduler-register-retired)
    # `scheduler-register-retired APP CID [WAIT]`: APP is empty when a failed deploy's EXIT trap calls it, CID is
    # empty from herokuish builds.
    cid=$2
    case $cid in '' | *[!0-9a-f]*) exit 0 ;; esac
    # a redeploy between the ports of a pair: its new or its old container (src/lib/switch.ts)
    for f in "$data"/*/switch; do
      [ -f "$f" ] && grep -q "\"$cid" "$f" && to_node "$@"
    done
    for f in "$data"/*/handoff/"$cid"; do
      [ -f "$f" ] && to_node "$@"
    done
    app=$1
    if valid_app "$app" && [ -d "$data/$app/handoff" ]; then
      # The previous container retires after a good deploy: its hand-off record is done.
      for f in "$data/$app/handoff"/*; do
        [ -f "$f" ] || continue
        old=
        IFS= read -r old <"$f" || :
        [ "$old" = "$cid" ] && rm -f "$f"
      done
    fi
    exit 0
    ;;
  post-extract)
    # `post-extract APP TMPDIR REV`: k3s apps get the plugin's Kustomize component with each build.
    app=$1
    valid_app "$app" || exit 0
    scheduler_of "$app"
    [ "$s" = k3s ] || exit 0
    mode_of "$app"
    [ "$m" = off ] && [ ! -d "$conf/$app" ] && exit 0
    to_node "$@"
    exit 0
    ;;
  post-app-clone-setup | post-app-rename-setup)
    # `OLD NEW`: the new app gets the settings (rename: Dokku destroys the old app right after).
    app=$1
    valid_app "$1" && valid_app "$2" || exit 0
    mode_of "$1"
    [ -d "$conf/$1" ] || [ "$m" != off ] || exit 0
    to_node "$@"
    # Without Node, what planClone and planRename do (src/lib/pipeline.ts), on the stored values.
    if [ -d "$conf/$1" ]; then mkdir -p "$conf/$2" && cp -p "$conf/$1"/* "$conf/$2"/ 2>/dev/null; fi
    if [ "$name" = post-app-rename-setup ]; then
      rm -rf "$conf/${1:?}" "$data/${1:?}"
    elif deploys_on_host "$1"; then
      # apps:clone copies the ports too: in host mode the clone would bind its source's port
      mkdir -p "$conf/$2" && printf off >"$conf/$2/mode"
      warn "$2 would bind the port of $1 with host networking, so it gets mode off. Give it another port, then: dokku network-host:enable $2"
    fi
    exit 0
    ;;
  post-delete)
    # `post-delete APP IMAGE_TAG`: everything the plugin stores for the app.
    valid_app "$1" && rm -rf "$conf/${1:?}" "$data/${1:?}"
    exit 0
    ;;
  report)
    # `report APP` (dokku report): the plugin's block; it must never fail, or the other plugins' blocks are lost.
    app=$1
    valid_app "$app" || exit 0
    if [ ! -d "$conf/$app" ]; then
      if [ ! -d "$conf/--global" ]; then
        report_block "$app" ""
        exit 0
      elif [ ! -d "$data/$app/args" ] && fresh "$data/--global/args" --global && [ -f "$data/--global/args/report" ]; then
        report_block "$app" "$data/--global/args/report"
        exit 0
      fi
    fi
    to_node "$@"
    exit 0
    ;;
  install | update)
    # plugin:install (all plugins, as root, on every install and Dokku upgrade) and plugin:update: idempotent, quick,
    # never failing.
    own_dirs
    drop_legacy_docker_options
    if node_ok; then
      node "$plugin_dir/triggers/triggers" install || warn "network-host: could not write the precomputed arguments; the triggers ask Node until they are"
    else
      warn "network-host needs Node.js >= @NODE_FLOOR@ for its commands (found: $found); install it with: dokku plugin:install-dependencies"
    fi
    exit 0
    ;;
  uninstall)
    # `uninstall PLUGIN`: every plugin gets the call; only this plugin's removal concerns it.
    [ "$1" = network-host ] || exit 0
    drop_legacy_docker_options
    drop_own_labels
    if node_ok; then node "$plugin_dir/triggers/triggers" uninstall || :; fi
    rm -rf "$conf" "$data"
    exit 0
    ;;
  dependencies)
    # plugin:install-dependencies (as root): the distribution's nodejs when there is no Node.js. Never a failure: plugn
    # stops at the first hook that fails, and the other plugins' dependencies (nginx-vhosts') come after this one.
    node_ok && exit 0
    if [ "$found" = none ] && command -v apt-get >/dev/null 2>&1; then
      echo "-----> Installing Node.js for network-host (the distribution's nodejs package)"
      export DEBIAN_FRONTEND=noninteractive
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs; } || warn "network-host: apt-get could not install nodejs"
      node_ok && exit 0
    fi
    warn "network-host needs Node.js >= @NODE_FLOOR@ for its commands (found: $found); install a newer Node.js (NodeSource's packages or the official binaries), then run: dokku plugin:install"
    exit 0
    ;;
esac
exit 0
