#!/usr/bin/env bats
# Calibration of the Dokku stand-in's herokuish builder, app.json tasks and cron (tests/dokku/
# plugins/{builder-herokuish,app-json,cron}), without the plugin under test (--no-plugin). A probe
# community plugin logs its trigger calls and adds a marker to every docker-args-* trigger, among
# them --add-host=probe.test:<docker0 address>, so a container that fetches probe.test reaches the
# host service only when the args of that phase reached it.

load test_helper

PROBE_TRIGGERS=(docker-args-build docker-args-process-build docker-args-deploy docker-args-process-deploy
  docker-args-run docker-args-process-run post-container-create scheduler-register-retired builder-dokku-image)

make_builders_probe() {
  local dir="$1" trigger
  mkdir -p "$dir"
  printf '[plugin]\ndescription = "stand-in builders probe"\nversion = "0.0.1"\n[plugin.config]\n' >"$dir/plugin.toml"
  cat >"$dir/probe" <<'EOF'
#!/usr/bin/env bash
name="${0##*/}"
{ printf '%s' "$name"; printf ' [%s]' "$@"; echo; } >>"$STANDIN_PROBE_LOG"
case "$name" in
  docker-args-*) cat ;;
esac
# each marker carries the trigger's argument count
case "$name" in
  docker-args-build) printf ' --env=STANDIN_BUILD=%s' "$#" ;;
  docker-args-process-build) printf ' --env=STANDIN_PROCESS_BUILD=%s --add-host=probe.test:%s' "$#" "$STANDIN_PROBE_HOST_IP" ;;
  docker-args-deploy) printf ' --env=STANDIN_DEPLOY=%s' "$#" ;;
  docker-args-process-deploy)
    printf ' --env=STANDIN_PROCESS_DEPLOY=%s --add-host=probe.test:%s' "$#" "$STANDIN_PROBE_HOST_IP"
    # flags app-json drops from task containers, only on its 3-argument call
    [[ $# -eq 3 ]] && printf ' --memory=64m --cpus 1 -p 127.0.0.1::5000 --restart=always'
    ;;
  docker-args-run) printf ' --env=STANDIN_RUN=%s' "$#" ;;
  docker-args-process-run) printf ' --env=STANDIN_PROCESS_RUN=%s --add-host=probe.test:%s' "$#" "$STANDIN_PROBE_HOST_IP" ;;
  builder-dokku-image) [[ -n "$STANDIN_PROBE_DOKKU_IMAGE" ]] && echo "$STANDIN_PROBE_DOKKU_IMAGE" ;;
esac
exit 0
EOF
  chmod +x "$dir/probe"
  for trigger in "${PROBE_TRIGGERS[@]}"; do ln -s probe "$dir/$trigger"; done
  git -C "$dir" init -q -b main
  git -C "$dir" add -A
  git -C "$dir" -c user.name=t -c user.email=t@t.invalid commit -q -m probe
}

# copy_fixture NAME: a writable copy of tests/fixtures/apps/NAME whose probe-url names the host service
copy_fixture() {
  local dir="$BATS_TEST_TMPDIR/$1"
  [[ -n "$BATS_TEST_TMPDIR" ]] || dir="$BATS_FILE_TMPDIR/$1"
  cp -a "$NETWORK_HOST_TESTS_DIR/fixtures/apps/$1" "$dir"
  echo "http://probe.test:$PROBE_PORT/" >"$dir/probe-url"
  echo "$dir"
}

setup_file() {
  require_docker
  export STANDIN_PROBE_LOG="$BATS_FILE_TMPDIR/probe.log"
  setup_dokku --no-plugin
  make_builders_probe "$BATS_FILE_TMPDIR/standin-builders-probe"
  dokku plugin:install "file://$BATS_FILE_TMPDIR/standin-builders-probe" --name standin-builders-probe >/dev/null
  # (this engine's bridge network may report no gateway: then docker0's own address)
  STANDIN_PROBE_HOST_IP="$(docker0_ip)"
  [[ -n "$STANDIN_PROBE_HOST_IP" ]] || STANDIN_PROBE_HOST_IP="$(ip -4 -o addr show docker0 | awk '{ print $4 }' | cut -d/ -f1)"
  PROBE_PORT="$(free_port)"
  export STANDIN_PROBE_HOST_IP PROBE_PORT
  host_service_start "$STANDIN_PROBE_HOST_IP" "$PROBE_PORT" "hello from the host"

  # one app.json app for the task and cron tests, deployed once
  JSON_APP="sb-json-$(tr -dc 'a-z0-9' </dev/urandom | head -c 8)"
  export JSON_APP
  create_app "$JSON_APP" >/dev/null
  : >"$STANDIN_PROBE_LOG" && chmod 0666 "$STANDIN_PROBE_LOG"
  DOKKU_STANDIN_TASK_ARGS_LOG="$BATS_FILE_TMPDIR/task-args" deploy_app "$JSON_APP" "$(copy_fixture appjson)" >"$BATS_FILE_TMPDIR/appjson-deploy.log" 2>&1 || {
    cat "$BATS_FILE_TMPDIR/appjson-deploy.log" >&2
    return 1
  }
  cp "$STANDIN_PROBE_LOG" "$BATS_FILE_TMPDIR/appjson-probe.log"
}

teardown_file() {
  # apps:destroy also removes an app's herokuish build cache volume
  [[ -n "$JSON_APP" ]] && { dokku --force apps:destroy "$JSON_APP" &>/dev/null || true; }
  teardown_dokku
  host_service_stop_all
}

setup() {
  : >"$STANDIN_PROBE_LOG" && chmod 0666 "$STANDIN_PROBE_LOG"
}

teardown() {
  if [[ -n "$TEST_APP" && -d "$DOKKU_ROOT/$TEST_APP" ]]; then
    dokku --force apps:destroy "$TEST_APP" &>/dev/null || true
  fi
}

# no task container left: every container with the phase label is a deploy or run container
# (the predeploy container became the image, so its label is on every later container too)
no_task_containers() {
  local cid
  for cid in $("$DOCKER_BIN" container ls -aq --filter "label=com.dokku.app-name=$1" --filter label=dokku_phase_script); do
    [[ -n "$("$DOCKER_BIN" container inspect --format '{{ index .Config.Labels "com.dokku.container-type" }}' "$cid")" ]] || return 1
  done
}

# --- herokuish builder -----------------------------------------------------------------------------

@test "(standin-builders) a herokuish-style app builds in a container with every build-phase arg, and serves" {
  create_app
  local app="$TEST_APP" cid
  export DOKKU_STANDIN_BUILD_ARGS_LOG="$BATS_TEST_TMPDIR/build-args"
  run deploy_app "$app" "$(copy_fixture herokuish)"
  assert_success
  assert_output --partial "-----> Building $app from herokuish"
  assert_output --partial "compile: probe: hello from the host"
  assert_output --partial "=====> Application deployed:"

  # the build container: Dokku's labels, the global run args, the cache volume, both build
  # triggers' args (builder-herokuish's USER, the probe's markers), the image and /build
  run cat "$DOKKU_STANDIN_BUILD_ARGS_LOG"
  assert_line --index 0 "--label=dokku"
  assert_line "--label=com.dokku.image-stage=build"
  assert_line "--label=com.dokku.builder-type=herokuish"
  assert_line "--label=org.label-schema.vendor=dokku"
  assert_line "cache-$app:/cache"
  assert_line "--env=CACHE_PATH=/cache"
  assert_line "--env=USER=herokuishuser"
  assert_line "--env=STANDIN_BUILD=2"
  assert_line "--env=STANDIN_PROCESS_BUILD=2"
  assert_line "--add-host=probe.test:$STANDIN_PROBE_HOST_IP"
  [[ "$(tail -n 2 "$DOKKU_STANDIN_BUILD_ARGS_LOG" | paste -sd' ')" == "dokku/$app:latest /build" ]]

  # the triggers, as Dokku calls them; the build container is registered for retirement
  cid="$(sed -n "s/^post-container-create \[app\] \[\([0-9a-f]*\)\] \[$app\] \[build\]\$/\1/p" "$STANDIN_PROBE_LOG")"
  [[ -n "$cid" ]]
  run cat "$STANDIN_PROBE_LOG"
  assert_line "docker-args-build [$app] [herokuish]"
  assert_line "docker-args-process-build [$app] [herokuish]"
  assert_line "scheduler-register-retired [$app] [$cid]"
  assert_line --regexp "^builder-dokku-image \[herokuish\] \[$app\] \[/tmp/dokku-[^]]*\] \[network-host-test/herokuish:latest\]\$"

  # the release image reads as herokuish: builder-type label, USER=herokuishuser in its env
  run "$DOCKER_BIN" image inspect --format '{{ index .Config.Labels "com.dokku.builder-type" }} {{ index .Config.Labels "com.dokku.image-stage" }}' "dokku/$app:latest"
  assert_output "herokuish release"
  run "$DOCKER_BIN" image inspect --format '{{ range .Config.Env }}{{ println . }}{{ end }}' "dokku/$app:latest"
  assert_line "USER=herokuishuser"

  run dokku enter "$app" web wget -qO- 127.0.0.1:5000
  assert_output "hello from the herokuish app"
  run dokku enter "$app" web wget -qO- 127.0.0.1:5000/build-probe.txt
  assert_output "hello from the host"

  destroy_app
}

@test "(standin-builders) a herokuish build registers an empty container ID when the source copy fails" {
  create_app
  local app="$TEST_APP" dir cid
  # Dokku's copy-source failure path passes TAR_CID, which it never assigns
  export STANDIN_PROBE_DOKKU_IMAGE="standin-invalid::image"
  run deploy_app "$app" herokuish
  assert_failure
  assert_output --partial " !     Failure extracting app code"
  assert_output --partial "App build failed"
  run grep '^scheduler-register-retired ' "$STANDIN_PROBE_LOG"
  assert_output "scheduler-register-retired [$app] []"

  # a failing compile: the build container itself is registered
  unset STANDIN_PROBE_DOKKU_IMAGE
  : >"$STANDIN_PROBE_LOG" && chmod 0666 "$STANDIN_PROBE_LOG"
  dir="$(copy_fixture herokuish)"
  printf '#!/bin/sh\necho "compile: failing"\nexit 4\n' >"$dir/bin/compile"
  run deploy_app "$app" "$dir"
  assert_failure
  assert_output --partial "compile: failing"
  assert_output --partial " !     Failure attaching to container during app build"
  cid="$(sed -n "s/^post-container-create \[app\] \[\([0-9a-f]*\)\] \[$app\] \[build\]\$/\1/p" "$STANDIN_PROBE_LOG")"
  [[ -n "$cid" ]]
  run grep '^scheduler-register-retired ' "$STANDIN_PROBE_LOG"
  assert_output "scheduler-register-retired [$app] [$cid]"
  destroy_app
}

# --- app.json tasks ------------------------------------------------------------------------------

@test "(standin-builders) app.json tasks run in containers of the app image with the 3-argument deploy args" {
  local log="$BATS_FILE_TMPDIR/appjson-deploy.log" args="$BATS_FILE_TMPDIR/task-args.predeploy" predeploy deploying postdeploy
  run cat "$log"
  assert_output --partial "-----> Checking for predeploy task"
  assert_output --partial "       Executing predeploy task from app.json: /app/bin/task predeploy"
  assert_output --regexp "=====> Start of $JSON_APP predeploy task \([0-9a-f]{9}\) output"
  assert_output --partial "       task predeploy: user=root DYNO="
  assert_output --partial "       task predeploy: env STANDIN_DEPLOY=2"
  assert_output --partial "       task predeploy: env STANDIN_PROCESS_DEPLOY=3"
  assert_output --partial "       task predeploy: probe: hello from the host"
  assert_output --partial "       Executing release task from Procfile in ephemeral container: /app/bin/task release"
  assert_output --partial "       task release: env STANDIN_PROCESS_DEPLOY=3"
  assert_output --partial "       No heroku.postdeploy task found, skipping"
  assert_output --partial "       Executing postdeploy task from app.json in ephemeral container: /app/bin/task postdeploy"
  assert_output --partial "       task postdeploy: env STANDIN_PROCESS_DEPLOY=3"
  assert_output --partial "       task postdeploy: probe: hello from the host"
  # predeploy and release before the deploy, postdeploy after it
  predeploy="$(grep -n 'task predeploy: user=' "$log" | cut -d: -f1)"
  deploying="$(grep -n -E "^(remote: )?-----> Deploying $JSON_APP via" "$log" | cut -d: -f1)"
  postdeploy="$(grep -n 'task postdeploy: user=' "$log" | cut -d: -f1)"
  ((predeploy < deploying && deploying < postdeploy))

  # one docker-args-deploy APP TAG and docker-args-process-deploy APP SOURCE_TYPE TAG per task,
  # post-container-create with the phase
  run grep -c "^docker-args-deploy \[$JSON_APP\] \[latest\]\$" "$BATS_FILE_TMPDIR/appjson-probe.log"
  assert_output 3
  run grep -c "^docker-args-process-deploy \[$JSON_APP\] \[herokuish\] \[latest\]\$" "$BATS_FILE_TMPDIR/appjson-probe.log"
  assert_output 3
  run cat "$BATS_FILE_TMPDIR/appjson-probe.log"
  assert_line --regexp "^post-container-create \[app\] \[[0-9a-f]{64}\] \[$JSON_APP\] \[predeploy\]\$"
  assert_line --regexp "^post-container-create \[app\] \[[0-9a-f]{64}\] \[$JSON_APP\] \[release\]\$"
  assert_line --regexp "^post-container-create \[app\] \[[0-9a-f]{64}\] \[$JSON_APP\] \[postdeploy\]\$"

  # the task container's create args: no resource/publish/restart flags, the cache volume, the shell
  run cat "$args"
  assert_line --index 0 "--label=org.label-schema.schema-version=1.0"
  assert_line "--label=com.dokku.app-name=$JSON_APP"
  assert_line "--env=STANDIN_PROCESS_DEPLOY=3"
  assert_line "--label=dokku_phase_script=predeploy"
  assert_line "cache-$JSON_APP:/tmp/cache"
  refute_line --regexp '^(--memory|--cpus|-p|--publish|--restart)'
  refute_line "127.0.0.1::5000"
  refute_line "1"
  [[ "$(grep -n -x "dokku/$JSON_APP:latest" "$args" | cut -d: -f1)" == "$(($(wc -l <"$args") - 3))" ]]
  [[ "$(tail -n 2 "$args" | head -n 1)" == "-c" && "$(tail -n 3 "$args" | head -n 1)" == "/bin/bash" ]]
  [[ "$(tail -n 1 "$args")" == *"/app/bin/task predeploy || exit 1;" ]]

  # task containers are removed; the predeploy container became the image
  no_task_containers "$JSON_APP"
  run "$DOCKER_BIN" image inspect --format '{{ index .Config.Labels "com.dokku.predeploy-phase" }}' "dokku/$JSON_APP:latest"
  assert_output "true"
  run dokku enter "$JSON_APP" web wget -qO- 127.0.0.1:5000/predeploy.txt
  assert_output "predeploy ran"
}

@test "(standin-builders) a failing predeploy task fails the deploy before any container is deployed" {
  create_app
  local dir
  dir="$(copy_fixture appjson)"
  jq '.scripts.dokku.predeploy = "/app/bin/task predeploy fail"' "$NETWORK_HOST_TESTS_DIR/fixtures/apps/appjson/app.json" >"$dir/app.json"
  run deploy_app "$TEST_APP" "$dir"
  assert_failure
  assert_output --partial " !     task predeploy: failing as asked"
  assert_output --partial " !     Execution of predeploy task failed: /app/bin/task predeploy fail"
  assert_output_contains "Deploying $TEST_APP via" 0
  assert_output_contains "Checking for release task" 0
  [[ ! -f "$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1" ]]
  no_task_containers "$TEST_APP"
  destroy_app
}

@test "(standin-builders) an invalid cron entry fails the deploy when app.json is extracted" {
  create_app
  local dir
  dir="$(copy_fixture appjson)"
  jq '.cron[0].schedule = "* * *"' "$NETWORK_HOST_TESTS_DIR/fixtures/apps/appjson/app.json" >"$dir/app.json"
  run deploy_app "$TEST_APP" "$dir"
  assert_failure
  assert_output --partial "Invalid cron schedule for app $TEST_APP (schedule * * *): expected exactly 5 fields, found 3: [* * *]"
  destroy_app
}

# --- cron ------------------------------------------------------------------------------------------

@test "(standin-builders) cron:list shows app.json's jobs; cron:run runs one with the run-phase args" {
  local id
  # Dokku's ID: base36 of "APP===COMMAND===SCHEDULE" read as one big-endian number
  id="$(python3 -c 'import sys
n = int.from_bytes(sys.argv[1].encode(), "big")
digits = ""
while n:
    n, r = divmod(n, 36)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"[r] + digits
print(digits)' "$JSON_APP===/app/bin/task cron===@daily")"
  run dokku cron:list "$JSON_APP"
  assert_success
  assert_line --index 0 "$(printf '%-*s  %-8s  %-11s  %-11s  %s' "${#id}" ID Schedule Concurrency Maintenance Command)"
  assert_line --index 1 "$(printf '%-*s  %-8s  %-11s  %-11s  %s' "${#id}" "$id" @daily allow false "/app/bin/task cron")"
  run dokku cron:list "$JSON_APP" --format json
  assert_output "[{\"id\":\"$id\",\"app\":\"$JSON_APP\",\"command\":\"/app/bin/task cron\",\"schedule\":\"@daily\",\"concurrency_policy\":\"allow\",\"app-in-maintenance\":false,\"task-in-maintenance\":false,\"maintenance\":false}]"

  export DOKKU_STANDIN_RUN_ARGS_LOG="$BATS_TEST_TMPDIR/run-args"
  run dokku cron:run "$JSON_APP" "$id"
  assert_success
  assert_output --partial "task cron: env STANDIN_RUN=2"
  assert_output --partial "task cron: env STANDIN_PROCESS_RUN=3"
  assert_output --partial "task cron: probe: hello from the host"
  run cat "$STANDIN_PROBE_LOG"
  assert_line "docker-args-run [$JSON_APP] [latest]"
  assert_line --regexp "^docker-args-process-run \[$JSON_APP\] \[[a-z]+\] \[latest\]\$"
  assert_line --regexp "^post-container-create \[app\] \[[0-9a-f]{64}\] \[$JSON_APP\] \[run\]\$"
  run cat "$DOKKU_STANDIN_RUN_ARGS_LOG"
  assert_line "--label=com.dokku.active-deadline-seconds=86400"
  assert_line "--rm"
  [[ "$(tail -n 2 "$DOKKU_STANDIN_RUN_ARGS_LOG" | paste -sd' ')" == "/app/bin/task cron" ]]

  run dokku cron:run "$JSON_APP" nosuchid
  assert_failure
  assert_output " !     No matching Cron ID found. Please specify a Cron ID from the output of 'dokku cron:list $JSON_APP'"
  run dokku cron:run "$JSON_APP"
  assert_failure
  assert_output " !     Please specify a Cron ID from the output of 'dokku cron:list $JSON_APP'"
}

# --- nixpacks, railpack, pack ------------------------------------------------------------------------
# builder_fixture BUILDER: the nixpacks fixture with BUILDER's detection file only
builder_fixture() {
  local dir
  dir="$(copy_fixture nixpacks)"
  rm -f "$dir/nixpacks.toml"
  case "$1" in
    nixpacks) printf '[start]\ncmd = "/app/bin/web"\n' >"$dir/nixpacks.toml" ;;
    railpack) echo '{}' >"$dir/railpack.json" ;;
    pack) printf '[_]\nschema-version = "0.2"\n' >"$dir/project.toml" ;;
  esac
  echo "$dir"
}

@test "(standin-builders) nixpacks: detected by nixpacks.toml, no map-detected, serves on \$PORT (plugins/builder-nixpacks)" {
  create_app
  local app="$TEST_APP"
  # the probe's --add-host=… would be the last build arg: see the next test
  dokku plugin:disable standin-builders-probe >/dev/null
  export DOKKU_STANDIN_BUILD_ARGS_LOG="$BATS_TEST_TMPDIR/build-args" DOKKU_STANDIN_DEPLOY_ARGS_LOG="$BATS_TEST_TMPDIR/create-args"
  run deploy_app "$app" "$(builder_fixture nixpacks)"
  dokku plugin:enable standin-builders-probe >/dev/null
  assert_success
  assert_output --partial "-----> Building $app from nixpacks"
  [[ "$(cat "$DOKKU_LIB_ROOT/config/builder/$app/detected")" == "nixpacks" ]]
  # builder-build never calls ports-set-detected: ports-get falls back to http:<proxy port>:5000
  [[ ! -s "$DOKKU_LIB_ROOT/config/ports/$app/map-detected" ]]
  run run_plugn_trigger ports-get "$app"
  assert_output "http:80:5000"
  # what Dokku passes to `nixpacks build`: its labels, --name, the source dir
  run cat "$DOKKU_STANDIN_BUILD_ARGS_LOG"
  assert_line --index 0 "build"
  assert_line --index 1 "--label=org.label-schema.schema-version=1.0"
  assert_line "--label=com.dokku.builder-type=nixpacks"
  [[ "$(tail -n 3 "$DOKKU_STANDIN_BUILD_ARGS_LOG" | head -n 2 | paste -sd' ')" == "--name dokku/$app:latest" ]]
  # the image: nixpacks release, Dokku's bash entrypoint, the Procfile command as arguments
  run "$DOCKER_BIN" image inspect --format '{{ index .Config.Labels "com.dokku.builder-type" }} {{ index .Config.Labels "com.dokku.image-stage" }} {{ json .Config.Entrypoint }}' "dokku/$app:latest"
  assert_output 'nixpacks release ["/usr/local/bin/entrypoint"]'
  [[ "$(tail -n 2 "$DOKKU_STANDIN_DEPLOY_ARGS_LOG" | paste -sd' ')" == "dokku/$app:latest /app/bin/web" ]]
  run dokku enter "$app" web wget -qO- 127.0.0.1:5000
  assert_output "hello from the app"
  destroy_app
}

@test "(standin-builders) nixpacks: builder:set selected wins over a Dockerfile; the build args nixpacks gets (plugins/builder-nixpacks/builder-build)" {
  create_app
  local app="$TEST_APP" dir
  run dokku builder:set "$app" selected nixpacks
  assert_success
  dir="$(builder_fixture none)"
  cp "$NETWORK_HOST_TESTS_DIR/fixtures/apps/hello/Dockerfile" "$dir/"
  export DOKKU_STANDIN_BUILD_ARGS_LOG="$BATS_TEST_TMPDIR/build-args"
  run deploy_app "$app" "$dir"
  assert_success
  assert_output --partial "-----> Building $app from nixpacks"
  [[ "$(cat "$DOKKU_LIB_ROOT/config/builder/$app/detected")" == "nixpacks" ]]
  run cat "$STANDIN_PROBE_LOG"
  assert_line "docker-args-build [$app] [nixpacks]"
  assert_line "docker-args-process-build [$app] [nixpacks]"
  # the probe's --env=… args are dropped (Dokku tests `--env=*` against a quoted pattern);
  # its --add-host=… takes the next argument along: the first DOKKU_GLOBAL_BUILD_ARGS label
  run cat "$DOKKU_STANDIN_BUILD_ARGS_LOG"
  assert_output_contains "STANDIN_" 0
  [[ "$(grep -A1 -x -- "--add-host=probe.test:$STANDIN_PROBE_HOST_IP" "$DOKKU_STANDIN_BUILD_ARGS_LOG" | paste -sd' ')" == "--add-host=probe.test:$STANDIN_PROBE_HOST_IP --label=org.label-schema.schema-version=1.0" ]]
  run dokku enter "$app" web wget -qO- 127.0.0.1:5000
  assert_output "hello from the app"
  destroy_app
}

@test "(standin-builders) railpack: detected by railpack.json, drops --add-host and --env=…, no map-detected, serves (plugins/builder-railpack)" {
  create_app
  local app="$TEST_APP"
  export DOKKU_STANDIN_BUILD_ARGS_LOG="$BATS_TEST_TMPDIR/build-args"
  run deploy_app "$app" "$(builder_fixture railpack)"
  assert_success
  assert_output --partial "-----> Building $app from railpack"
  [[ "$(cat "$DOKKU_LIB_ROOT/config/builder/$app/detected")" == "railpack" ]]
  run cat "$STANDIN_PROBE_LOG"
  assert_line "docker-args-process-build [$app] [railpack]"
  # `railpack build`: none of the probe's --env=…/--add-host=… args, --name IMAGE-build
  run cat "$DOKKU_STANDIN_BUILD_ARGS_LOG"
  assert_output_contains "probe" 0
  assert_output_contains "STANDIN" 0
  [[ "$(head -n 3 "$DOKKU_STANDIN_BUILD_ARGS_LOG" | paste -sd' ')" == "build --name dokku/$app:latest-build" ]]
  [[ ! -s "$DOKKU_LIB_ROOT/config/ports/$app/map-detected" ]]
  run "$DOCKER_BIN" image inspect --format '{{ index .Config.Labels "com.dokku.builder-type" }} {{ index .Config.Labels "com.dokku.image-stage" }} {{ json .Config.Entrypoint }}' "dokku/$app:latest"
  assert_output "railpack release null"
  run dokku enter "$app" web wget -qO- 127.0.0.1:5000
  assert_output "hello from the app"
  destroy_app
}

@test "(standin-builders) pack: detected by project.toml, records map-detected, deploys with --entrypoint launcher (plugins/builder-pack)" {
  create_app
  local app="$TEST_APP"
  export DOKKU_STANDIN_BUILD_ARGS_LOG="$BATS_TEST_TMPDIR/build-args" DOKKU_STANDIN_DEPLOY_ARGS_LOG="$BATS_TEST_TMPDIR/create-args"
  run deploy_app "$app" "$(builder_fixture pack)"
  assert_success
  assert_output --partial "-----> Building $app from cnb stack heroku/builder:24..."
  [[ "$(cat "$DOKKU_LIB_ROOT/config/builder/$app/detected")" == "pack" ]]
  # builder-build: ports-set-detected http:<proxy-port>:5000
  [[ "$(cat "$DOKKU_LIB_ROOT/config/ports/$app/map-detected")" == "http:80:5000" ]]
  run cat "$DOKKU_STANDIN_BUILD_ARGS_LOG"
  assert_output_contains "probe" 0
  [[ "$(paste -sd' ' "$DOKKU_STANDIN_BUILD_ARGS_LOG")" == "build dokku/$app:latest --builder heroku/builder:24 --path "*" --default-process web" ]]
  # a CNB image deploys as `pack`: builder-pack's docker-args-process-deploy adds the launcher
  run cat "$STANDIN_PROBE_LOG"
  assert_line "docker-args-process-deploy [$app] [pack] [latest] [web] [1]"
  run cat "$DOKKU_STANDIN_DEPLOY_ARGS_LOG"
  assert_line "--entrypoint"
  assert_line "launcher"
  run dokku enter "$app" web wget -qO- 127.0.0.1:5000
  assert_output "hello from the app"
  destroy_app
}
