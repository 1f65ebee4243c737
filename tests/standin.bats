#!/usr/bin/env bats
# Fidelity tests of the Dokku stand-in (tests/dokku) itself, on the points the plugin relies on.
# Runs against a root without the plugin under test (--no-plugin), plus a probe community plugin.

load test_helper

PROBE_TRIGGERS=(install uninstall dependencies post-create pre-delete post-delete post-app-clone-setup post-app-clone
  post-app-rename-setup post-app-rename report post-container-create post-deploy
  docker-args-build docker-args-deploy docker-args-run docker-args-process-build docker-args-process-deploy docker-args-process-run)

# A community plugin that records every trigger call (name + argv) and echoes its dispatch.
make_probe_plugin() {
  local dir="$1" trigger
  mkdir -p "$dir/subcommands"
  cat >"$dir/plugin.toml" <<'EOF'
[plugin]
description = "stand-in probe"
version = "0.0.1"
[plugin.config]
greeting = "ignored default"
EOF
  cat >"$dir/commands" <<'EOF'
#!/usr/bin/env bash
case "$1" in
  help)
    if [[ "$(ps -o command= "$PPID")" == *--all* ]]; then
      echo "    standin-probe:echo <args>, Print the arguments"
    else
      echo "    standin-probe, Probe plugin of the stand-in tests"
    fi
    ;;
  standin-probe:legacy) echo "legacy handled: $*" ;;
  standin-probe:legacy-fail) exit 3 ;;
  *) exit "$DOKKU_NOT_IMPLEMENTED_EXIT" ;;
esac
EOF
  cat >"$dir/subcommands/echo" <<'EOF'
#!/usr/bin/env bash
printf '[%s]' "$@"
echo
echo "DOKKU_APP_NAME=$DOKKU_APP_NAME"
EOF
  cat >"$dir/subcommands/env" <<'EOF'
#!/usr/bin/env bash
for v in DOKKU_ROOT DOKKU_LIB_ROOT PLUGIN_PATH PLUGIN_AVAILABLE_PATH PLUGIN_ENABLED_PATH PLUGIN_CORE_PATH \
  PLUGIN_CORE_AVAILABLE_PATH PLUGIN_CORE_ENABLED_PATH DOCKER_BIN DOKKU_SYSTEM_USER DOKKU_SYSTEM_GROUP \
  DOKKU_NOT_IMPLEMENTED_EXIT DOKKU_VALID_EXIT DOKKU_QUIET_OUTPUT DOKKU_TRACE DOKKU_APP_NAME DOKKU_GLOBAL_FLAGS HOME; do
  echo "$v=${!v}"
done
EOF
  cat >"$dir/probe" <<'EOF'
#!/usr/bin/env bash
name="${0##*/}"
echo "$name${*:+ $*}" >>"$STANDIN_PROBE_LOG"
case "$name" in
  docker-args-*) cat ;;
esac
exit 0
EOF
  for trigger in "${PROBE_TRIGGERS[@]}"; do ln -s probe "$dir/$trigger"; done
  chmod +x "$dir/commands" "$dir/subcommands"/* "$dir/probe"
  git -C "$dir" init -q -b main
  git -C "$dir" add -A
  git -C "$dir" -c user.name=t -c user.email=t@t.invalid commit -q -m probe
}

setup_file() {
  export STANDIN_PROBE_LOG="$BATS_FILE_TMPDIR/probe.log"
  setup_dokku --no-plugin
  make_probe_plugin "$BATS_FILE_TMPDIR/standin-probe"
  dokku plugin:install "file://$BATS_FILE_TMPDIR/standin-probe" --name standin-probe >/dev/null
}

teardown_file() {
  teardown_dokku
}

setup() {
  # the probe's hooks run as the dokku user: the log must be writable for it
  : >"$STANDIN_PROBE_LOG"
  chmod 0666 "$STANDIN_PROBE_LOG"
}

probe_log() { cat "$STANDIN_PROBE_LOG"; }

# --- layout, environment, dispatch ---------------------------------------------------------------

@test "(standin) setup lays out a Dokku root; the plugin under test is linked and enabled" {
  local lib="$DOKKU_LIB_ROOT" root
  [[ -d "$DOKKU_ROOT" && -d "$lib/config" && -d "$lib/data" ]]
  # core plugins: real dirs in core-plugins/available, linked into plugins/available, enabled in both
  [[ -d "$lib/core-plugins/available/docker-options" && ! -L "$lib/core-plugins/available/docker-options" ]]
  [[ "$(readlink -f "$lib/plugins/enabled/docker-options")" == "$lib/core-plugins/available/docker-options" ]]
  [[ -L "$lib/core-plugins/enabled/docker-options" ]]
  [[ -x "$lib/plugins/enabled/docker-options/subcommands/add" && -x "$lib/plugins/enabled/network/docker-args-process-deploy" ]]
  # community plugin installed by plugin:install file://…: a real git clone, enabled by symlink
  [[ -d "$lib/plugins/available/standin-probe/.git" && -L "$lib/plugins/enabled/standin-probe" ]]
  # the repo is the plugin: `dokku help` would run any file named `commands` below it
  run find "$NETWORK_HOST_TESTS_DIR" -name commands
  assert_output ""
  # default setup links the repo as plugins/available/network-host
  run "$NETWORK_HOST_TESTS_DIR/dokku/setup"
  assert_success
  root="${output#export DOKKU_STANDIN_ROOT=}"
  [[ "$(readlink -f "$root/var/lib/dokku/plugins/enabled/network-host")" == "$NETWORK_HOST_REPO_DIR" ]]
  run "$NETWORK_HOST_TESTS_DIR/dokku/setup" --teardown "$root"
  assert_success
  [[ ! -d "$root" ]]
}

@test "(standin) dokku exports the Dokku environment to plugins" {
  run dokku standin-probe:env
  assert_success
  assert_line "DOKKU_ROOT=$DOKKU_ROOT"
  assert_line "DOKKU_LIB_ROOT=$DOKKU_LIB_ROOT"
  assert_line "PLUGIN_PATH=$DOKKU_LIB_ROOT/plugins"
  assert_line "PLUGIN_ENABLED_PATH=$DOKKU_LIB_ROOT/plugins/enabled"
  assert_line "PLUGIN_CORE_AVAILABLE_PATH=$DOKKU_LIB_ROOT/core-plugins/available"
  assert_line "DOCKER_BIN=$DOCKER_BIN"
  assert_line "DOKKU_SYSTEM_USER=dokku"
  assert_line "DOKKU_NOT_IMPLEMENTED_EXIT=10"
  assert_line "DOKKU_VALID_EXIT=0"
  assert_line "DOKKU_QUIET_OUTPUT="
  assert_line "HOME=$DOKKU_ROOT"
  run dokku --quiet --trace standin-probe:env
  assert_success
  assert_line "DOKKU_QUIET_OUTPUT=1"
  assert_line "DOKKU_TRACE=1"
  assert_line "DOKKU_GLOBAL_FLAGS=--quiet --trace"
}

@test "(standin) subcommands get the original arguments: \$1 is the full command" {
  run dokku standin-probe:echo one "two words"
  assert_success
  assert_line "[standin-probe:echo][one][two words]"
  # --app is exported and stripped, never re-inserted for a community plugin
  run dokku --app someapp standin-probe:echo one
  assert_success
  assert_line "[standin-probe:echo][one]"
  assert_line "DOKKU_APP_NAME=someapp"
}

@test "(standin) --app is re-inserted after the command for core plugins" {
  create_app
  dokku docker-options:add "$TEST_APP" deploy --label=via-app
  run dokku --app "$TEST_APP" docker-options:list --phase deploy
  assert_success
  assert_output "--label=via-app"
}

@test "(standin) commands catch-all, unknown commands and unknown apps" {
  run dokku standin-probe:legacy x
  assert_success
  assert_output "legacy handled: standin-probe:legacy x"
  run dokku standin-probe:legacy-fail
  assert_failure 3
  run dokku no-such-plugin:command arg
  assert_failure 1
  assert_output --partial '`no-such-plugin:command arg` is not a dokku command.'
  run dokku docker-options:report does-not-exist
  assert_failure 20
  assert_output " !     App does-not-exist does not exist"
  run dokku apps:create Bad_Name
  assert_failure
  assert_output --partial "App name must begin with lowercase alphanumeric character"
}

@test "(standin) help lists community plugins; --all reaches commands through the parent command line" {
  # without a tty Dokku goes quiet (headers dropped, lines kept); DOKKU_FORCE_TTY shows them
  run dokku help
  assert_success
  assert_output_contains "Community plugin commands:" 0
  assert_output --partial "standin-probe"
  DOKKU_FORCE_TTY=true run dokku help
  assert_success
  assert_line --index 0 "Usage: dokku [--quiet|--trace|--force] COMMAND <app> [command-specific-options]"
  assert_output --partial "Community plugin commands:"
  assert_output --partial "Probe plugin of the stand-in tests"
  assert_output_contains "Print the arguments" 0
  run dokku help --all
  assert_success
  assert_output --partial "standin-probe:echo <args>"
  assert_output --partial "docker-options:add"
  run dokku docker-options:help
  assert_success
  assert_line --index 0 "Usage: dokku docker-options[:COMMAND]"
}

# --- plugn ---------------------------------------------------------------------------------------

@test "(standin) plugn: glob order, shared stdin, concatenated stdout, first failure aborts" {
  local path="$BATS_TEST_TMPDIR/plugins" p
  for p in a-first b-fails c-last d-noexec e-noconfig; do
    mkdir -p "$path/available/$p" "$path/enabled"
    printf '[plugin]\ndescription = "%s"\nversion = "1"\n[plugin.config]\n' "$p" >"$path/available/$p/plugin.toml"
    ln -s "$path/available/$p" "$path/enabled/$p"
  done
  printf '[plugin]\ndescription = "no config"\nversion = "1"\n' >"$path/available/e-noconfig/plugin.toml"
  printf '#!/usr/bin/env bash\necho -n " a:$*:$(cat)"\n' >"$path/available/a-first/hook"
  printf '#!/usr/bin/env bash\necho -n " b:$(cat)"\nexit "${B_EXIT:-0}"\n' >"$path/available/b-fails/hook"
  printf '#!/usr/bin/env bash\necho -n " c"\n' >"$path/available/c-last/hook"
  printf '#!/usr/bin/env bash\necho -n " d"\n' >"$path/available/d-noexec/hook"
  printf '#!/usr/bin/env bash\necho -n " e"\n' >"$path/available/e-noconfig/hook"
  chmod +x "$path"/available/{a-first,b-fails,c-last,e-noconfig}/hook

  # same stdin for every hook: a drains it, b sees nothing left
  run bash -c "echo -n IN | PLUGIN_PATH='$path' plugn trigger hook x y"
  assert_success
  assert_output --partial " a:x y:IN b: c"
  assert_output --partial "Trigger 'hook' is not executable, skipping plugin (d-noexec)"
  # a plugin.toml without [plugin.config]: plugn's Go helper panics, the hook still runs
  assert_output --partial "panic: interface conversion: interface {} is nil, not map[string]interface {}"
  assert_output --partial " e"
  run bash -c "PLUGIN_PATH='$path' B_EXIT=7 plugn trigger hook </dev/null 2>/dev/null"
  assert_failure 7
  assert_output " a:: b:"
}

@test "(standin) plugn exports [plugin.config] keys as CONFIG_*" {
  printf '#!/usr/bin/env bash\necho "greeting=$CONFIG_GREETING"\n' >"$PLUGIN_PATH/available/standin-probe/greet"
  chmod +x "$PLUGIN_PATH/available/standin-probe/greet"
  run run_plugn_trigger greet
  assert_output "greeting="
  printf '[standin-probe]\ngreeting = "from config.toml"\n' >"$PLUGIN_PATH/config.toml"
  run run_plugn_trigger greet
  assert_output "greeting=from config.toml"
  STANDIN_PROBE_GREETING=from-env run run_plugn_trigger greet
  assert_output "greeting=from-env"
  : >"$PLUGIN_PATH/config.toml"
  rm "$PLUGIN_PATH/available/standin-probe/greet"
}

# --- docker-options and network ------------------------------------------------------------------

@test "(standin) docker-options: storage, no de-duplication, phase validation" {
  create_app
  local dir="$DOKKU_LIB_ROOT/config/docker-options/$TEST_APP"
  run dokku docker-options:add "$TEST_APP" deploy,run --network=host
  assert_success
  assert_output ""
  dokku docker-options:add "$TEST_APP" deploy --network=host
  run cat "$dir/_default_.deploy"
  assert_output $'--network=host\n--network=host'
  run cat "$dir/_default_.run"
  assert_output "--network=host"
  [[ "$(stat -c %a "$dir")" == 755 && "$(stat -c %a "$dir/_default_.deploy")" == 600 ]]
  run dokku docker-options:add "$TEST_APP" deploy,bogus --foo
  assert_failure
  assert_output " !     Phase(s) must be one of [build deploy run]"
  # several flags in one call are stored one per line, sorted
  dokku docker-options:add "$TEST_APP" build "--ulimit nofile=12 --shm-size 256m"
  run dokku docker-options:list "$TEST_APP" --phase build
  assert_output $'--shm-size 256m\n--ulimit nofile=12'
  run run_plugn_trigger docker-args-deploy "$TEST_APP" latest web 1
  assert_output " --network=host --network=host"
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output "--network=host --network=host"
  run dokku docker-options:report "$TEST_APP" --format json
  assert_success
  [[ "$(jq -r '."deploy-list" | length' <<<"$output")" == 2 ]]
  [[ "$(jq -r '."docker-options-build"' <<<"$output")" == "--shm-size 256m --ulimit nofile=12" ]]
}

@test "(standin) docker-options: remove drops every entry equal by shell words" {
  create_app
  local file="$DOKKU_LIB_ROOT/config/docker-options/$TEST_APP/_default_.deploy"
  dokku docker-options:add "$TEST_APP" deploy '--label "a b"'
  dokku docker-options:add "$TEST_APP" deploy "--label 'a b'"
  dokku docker-options:add "$TEST_APP" deploy --net=host
  dokku docker-options:add "$TEST_APP" deploy --network=host
  run cat "$file"
  assert_output $'--label \'a b\'\n--label \'a b\'\n--net=host\n--network=host'
  # a non-canonical stored line still matches by words
  echo '--label "a b"' >>"$file"
  # the option text is re-split as shell words: quote it as one argument, as in Dokku
  dokku docker-options:remove "$TEST_APP" deploy "--label 'a b'"
  run cat "$file"
  assert_output $'--net=host\n--network=host'
  # --net=host and --network=host are different words
  dokku docker-options:remove "$TEST_APP" deploy --network=host
  run cat "$file"
  assert_output "--net=host"
  # --process scoping: deploy only, emitted by docker-args-process-deploy for that type
  run dokku docker-options:add --process web "$TEST_APP" build --foo
  assert_failure
  assert_output --partial '--process is only supported for the deploy phase, got "build"'
  dokku docker-options:add --process web "$TEST_APP" deploy --label=only-web
  run run_plugn_trigger docker-args-process-deploy "$TEST_APP" dockerfile latest web 1
  assert_output --partial " --label=only-web"
  run run_plugn_trigger docker-args-process-deploy "$TEST_APP" dockerfile latest worker 1
  assert_output_contains "--label=only-web" 0
  dokku docker-options:clear "$TEST_APP"
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output ""
}

@test "(standin) core docker-args-process-deploy output: logs, network, ps in plugin order" {
  require_docker # the logs plugin asks the daemon for its log driver
  create_app
  run run_plugn_trigger docker-args-process-deploy "$TEST_APP" dockerfile latest web 1
  assert_success
  [[ "$(xargs <<<"$output")" == "--log-opt=max-size=10m --restart=on-failure:10" ]]
  run dokku network:set "$TEST_APP" initial-network custom-net
  assert_output "=====> Setting initial-network to custom-net"
  run run_plugn_trigger docker-args-process-deploy "$TEST_APP" dockerfile latest web 1
  [[ "$(xargs <<<"$output")" == "--log-opt=max-size=10m --network=custom-net --restart=on-failure:10" ]]
  run run_plugn_trigger docker-args-process-run "$TEST_APP" dockerfile latest
  [[ "$(xargs <<<"$output")" == "--network=custom-net" ]]
  # nothing from the network plugin for a dockerfile build
  run run_plugn_trigger docker-args-process-build "$TEST_APP" dockerfile
  assert_output ""
  run dokku network:report "$TEST_APP" --network-computed-initial-network
  assert_output "custom-net"
  dokku network:set --global initial-network global-net
  dokku network:set "$TEST_APP" initial-network
  run dokku network:report "$TEST_APP" --format json
  [[ "$(jq -r '."computed-initial-network", ."global-initial-network", ."network-initial-network"' <<<"$output" | xargs)" == "global-net global-net" ]]
  dokku network:set --global initial-network
  run dokku network:set "$TEST_APP" attach-post-create host
  assert_failure
  assert_output --partial "Invalid network name specified for attach: host"
  run dokku network:report "$TEST_APP"
  assert_line --index 0 "=====> $TEST_APP network information"
  assert_line --regexp "^       Network computed bind all interfaces: +false$"
}

@test "(standin) the xargs tokenization of the concatenated docker args" {
  # the same split Dokku's scheduler does: quotes honoured, nothing expanded
  run bash -c "source '$DOKKU_LIB_ROOT/core-plugins/available/common/functions'; fn-docker-args-split \"\$1\" | xargs -0 printf '<%s>'" _ \
    " --label 'a b' --env=X=\$HOME --env=\"Y=1 2\" --name=x"
  assert_output '<--label><a b><--env=X=$HOME><--env=Y=1 2><--name=x>'
}

# --- apps lifecycle ------------------------------------------------------------------------------

@test "(standin) apps:create/rename/clone/destroy fire the lifecycle triggers in Dokku's order" {
  require_docker # apps:destroy stops and removes containers
  create_app
  local app="$TEST_APP"
  [[ -d "$DOKKU_ROOT/$app/refs" ]]
  run dokku apps:exists "$app"
  assert_success
  run dokku apps:clone "$app" "$app-clone"
  assert_success
  run dokku apps:rename "$app" "$app-new"
  assert_success
  run dokku apps:destroy "$app-clone" --force
  assert_success
  run probe_log
  assert_output "$(printf '%s\n' "post-create $app" \
    "post-create $app-clone" "post-app-clone-setup $app $app-clone" "post-app-clone $app $app-clone" \
    "post-create $app-new" "post-app-rename-setup $app $app-new" "pre-delete $app latest" "post-delete $app latest" "post-app-rename $app $app-new" \
    "pre-delete $app-clone latest" "post-delete $app-clone latest")"
  run dokku apps:list
  assert_line --index 0 "=====> My Apps"
  assert_line "$app-new"
  refute_line "$app"
  run dokku apps:exists "$app"
  assert_failure 20
  destroy_app "$app-new"
}

# --- deploys (real containers) --------------------------------------------------------------------

@test "(standin) ps:rebuild without commits fails; ps:restart of an undeployed app only warns" {
  create_app
  run dokku ps:rebuild "$TEST_APP"
  assert_failure 1
  assert_output --partial "-----> WARNING: Cannot build from 'main' as there are no commits stored at that branch."
  run dokku ps:restart "$TEST_APP"
  assert_success
  assert_output " !     App $TEST_APP has not been deployed"
  run dokku ps:report "$TEST_APP" --deployed
  assert_output "false"
}

@test "(standin) a real deploy answers through dokku enter; restart and rebuild replace the container" {
  require_docker
  create_app
  run deploy_app
  assert_success
  assert_output --partial "=====> Application deployed:"
  run dokku enter "$TEST_APP" web wget -qO- 127.0.0.1:5000
  assert_success
  assert_output "hello from the app"
  local first ip
  first="$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")"
  ip="$(<"$DOKKU_ROOT/$TEST_APP/IP.web.1")"
  [[ "$ip" == "$("$DOCKER_BIN" container inspect --format '{{.NetworkSettings.IPAddress}}' "$first")" ]]
  [[ "$(<"$DOKKU_ROOT/$TEST_APP/PORT.web.1")" == 5000 ]]
  [[ "$("$DOCKER_BIN" container inspect --format '{{.Name}}' "$first")" == "/$TEST_APP.web.1" ]]
  run dokku ps:report "$TEST_APP" --running
  assert_output "true"
  # the scheduler's trigger calls: per process type (4 args), then per container (5 args)
  run grep '^docker-args-process-deploy' "$STANDIN_PROBE_LOG"
  assert_output "$(printf '%s\n' "docker-args-process-deploy $TEST_APP dockerfile latest web" "docker-args-process-deploy $TEST_APP dockerfile latest web 1")"
  run grep -c "^post-container-create app $first $TEST_APP deploy web\$" "$STANDIN_PROBE_LOG"
  assert_output 1

  # deploy-phase options reach new containers on ps:restart; build-phase ones need ps:rebuild
  dokku docker-options:add "$TEST_APP" deploy "--label 'standin.test=a b'"
  export DOKKU_STANDIN_BUILD_ARGS_LOG="$BATS_TEST_TMPDIR/build-args"
  run dokku ps:restart "$TEST_APP"
  assert_success
  local second
  second="$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")"
  [[ "$second" != "$first" ]]
  run "$DOCKER_BIN" container inspect "$first"
  assert_failure
  [[ "$("$DOCKER_BIN" container inspect --format '{{ index .Config.Labels "standin.test" }}' "$second")" == "a b" ]]
  [[ ! -f "$DOKKU_STANDIN_BUILD_ARGS_LOG" ]]
  dokku docker-options:add "$TEST_APP" build "--build-arg STANDIN=1"
  run dokku ps:rebuild "$TEST_APP"
  assert_success
  run cat "$DOKKU_STANDIN_BUILD_ARGS_LOG"
  assert_line "STANDIN=1"
  run dokku enter "$TEST_APP" web wget -qO- 127.0.0.1:5000
  assert_output "hello from the app"

  run dokku run "$TEST_APP" sh -c 'echo "run: $DYNO"; exit 3'
  assert_failure 3
  assert_output --partial "run: run."
  no_run_containers() { [[ -z "$("$DOCKER_BIN" container ls -aq --filter "label=com.dokku.app-name=$TEST_APP" --filter "label=com.dokku.container-type=run")" ]]; }
  wait_until 5 no_run_containers

  run dokku report "$TEST_APP"
  assert_success
  assert_output --partial "=====> $TEST_APP docker-options information"
  assert_output --partial "=====> $TEST_APP network information"
  assert_output --partial "=====> $TEST_APP ps information"
  run grep "^report $TEST_APP\$" "$STANDIN_PROBE_LOG"
  assert_success

  run dokku ps:stop "$TEST_APP"
  assert_success
  run dokku ps:report "$TEST_APP" --running
  assert_output "false"
  destroy_app
  [[ -z "$("$DOCKER_BIN" container ls -aq --filter "label=com.dokku.app-name=$TEST_APP")" ]]
  [[ -z "$("$DOCKER_BIN" image ls -q "dokku/$TEST_APP")" ]]
}

@test "(standin) apps:rename of a deployed app rebuilds the new app; the old one is gone" {
  require_docker
  create_app
  local old="$TEST_APP" new="$TEST_APP-renamed"
  run deploy_app "$old"
  assert_success
  dokku docker-options:add "$old" deploy --label=standin.renamed=yes
  run dokku apps:rename "$old" "$new"
  assert_success
  assert_output --partial "-----> Renaming $old to $new"
  assert_output --partial "=====> Application deployed:"
  run dokku enter "$new" web wget -qO- 127.0.0.1:5000
  assert_output "hello from the app"
  [[ "$("$DOCKER_BIN" container inspect --format '{{ index .Config.Labels "standin.renamed" }}' "$new.web.1")" == yes ]]
  [[ -z "$("$DOCKER_BIN" container ls -aq --filter "label=com.dokku.app-name=$old")" ]]
  [[ ! -e "$DOKKU_ROOT/$old" && ! -e "$DOKKU_LIB_ROOT/config/docker-options/$old" ]]
  destroy_app "$new"
}

@test "(standin) the Dockerfile builder drops --net=host and keeps --network=host and --add-host" {
  require_docker
  create_app
  export DOKKU_STANDIN_BUILD_ARGS_LOG="$BATS_TEST_TMPDIR/build-args"
  dokku docker-options:add "$TEST_APP" build --net=host --network=host --add-host=a.test:10.0.0.1 --cap-add NET_ADMIN
  run deploy_app
  assert_success
  run cat "$DOKKU_STANDIN_BUILD_ARGS_LOG"
  assert_output "$(printf '%s\n' --add-host a.test:10.0.0.1 --network host \
    --label org.label-schema.schema-version=1.0 --label org.label-schema.vendor=dokku --label dokku)"
  # a host-gateway build fails as on the target host's buildx (whose docker-container driver has
  # no host-gateway IP), although this local 20.10 engine would resolve it
  dokku docker-options:add "$TEST_APP" build --add-host=host.docker.internal:host-gateway
  run dokku ps:rebuild "$TEST_APP"
  assert_failure
  assert_output --partial "unable to derive the IP value for host-gateway"
  assert_output --partial "App build failed"
  run dokku enter "$TEST_APP" web wget -qO- 127.0.0.1:5000
  assert_output "hello from the app"
  destroy_app
}

@test "(standin) host networking: a redeploy cannot bind the port, checks fail, the old container keeps serving" {
  require_docker
  create_app
  local port first
  port="$(free_port)"
  dokku ports:set "$TEST_APP" "http:80:$port"
  dokku docker-options:add "$TEST_APP" deploy --network=host
  run deploy_app
  assert_success
  first="$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")"
  [[ "$("$DOCKER_BIN" container inspect --format '{{.HostConfig.NetworkMode}}' "$first")" == "host" ]]
  [[ "$(<"$DOKKU_ROOT/$TEST_APP/IP.web.1")" == "127.0.0.1" ]]
  run wget -qO- "127.0.0.1:$port"
  assert_output "hello from the app"

  run dokku ps:rebuild "$TEST_APP"
  assert_failure
  assert_output --partial "Failure in name='default': container has restarted"
  # twice: ps is a Go plugin, whose failing subcommand repeats the trigger's stderr
  assert_output_contains "Could not start due to 1 failed checks (web.1)" 2
  assert_output_contains "Application deployed:" 0
  [[ "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")" == "$first" ]]
  run wget -qO- "127.0.0.1:$port"
  assert_output "hello from the app"
  # kill_new runs from the EXIT trap, after main's locals (APP) are gone: the record lands in
  # data/scheduler-docker-local/failed-containers, not in the app's dir (as on Dokku)
  [[ ! -e "$DOKKU_LIB_ROOT/data/scheduler-docker-local/$TEST_APP/failed-containers" ]]
  run tail -n1 "$DOKKU_LIB_ROOT/data/scheduler-docker-local/failed-containers"
  assert_output --regexp "^[0-9a-f]{64} web\.1$"
  [[ "$("$DOCKER_BIN" container inspect --format '{{.State.Status}}' "${output%% *}")" == "exited" ]]

  # without zero downtime the old container is stopped first and the redeploy succeeds
  dokku checks:disable "$TEST_APP"
  run dokku ps:restart "$TEST_APP"
  assert_success
  assert_output --partial "Zero downtime is disabled, stopping currently running containers"
  [[ "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")" != "$first" ]]
  wait_until 5 wget -qO- "127.0.0.1:$port"
  destroy_app
}

@test "(standin) plugin:uninstall and install-dependencies fire their triggers" {
  run dokku plugin:install-dependencies
  assert_success
  run dokku plugin:list
  assert_output --partial "standin-probe"
  run dokku plugin:install
  assert_success
  run probe_log
  assert_output "$(printf '%s\n' dependencies install)"
  run dokku plugin:uninstall docker-options
  assert_failure
  assert_output --partial "Cannot uninstall a core plugin"
  : >"$STANDIN_PROBE_LOG"
  run dokku plugin:uninstall standin-probe
  assert_success
  run probe_log
  assert_output "uninstall standin-probe"
  [[ ! -e "$PLUGIN_PATH/available/standin-probe" && ! -e "$PLUGIN_PATH/enabled/standin-probe" ]]
}
