#!/usr/bin/env bats
# Fidelity tests of the stand-in's k3s scheduler (tests/dokku/plugins/scheduler-k3s): the kustomize-root life cycle
# of Dokku 0.36+ (plugins/scheduler-k3s triggers.go, functions.go, helm.go; plugins/common/common.go CorePostExtract,
# CorePostDeploy) and the manifest a k3s deploy would apply. Without the plugin under test (--no-plugin); a probe
# plugin records the kustomize roots where a community plugin sees them: in post-extract and post-deploy.

load test_helper

setup_file() {
  setup_dokku --no-plugin
  export K3S_PROBE_LOG="$BATS_FILE_TMPDIR/probe.log"
  local dir="$BATS_FILE_TMPDIR/k3s-probe" hook
  mkdir -p "$dir"
  printf '[plugin]\ndescription = "k3s probe"\nversion = "0.0.1"\n[plugin.config]\n' >"$dir/plugin.toml"
  cat >"$dir/probe" <<'EOF'
#!/usr/bin/env bash
# <hook> <app>: the entries of the app's scheduler-k3s data dir (dirs end in /), the PID of the deploy
data="$DOKKU_LIB_ROOT/data/scheduler-k3s/$1"
entries="$(cd "$data" 2>/dev/null && find . -mindepth 1 -maxdepth 1 \( -type d -printf '%f/\n' -o -printf '%f\n' \) | LC_ALL=C sort | xargs)"
echo "${0##*/} pid=$DOKKU_PID $entries" >>"$K3S_PROBE_LOG"
EOF
  chmod +x "$dir/probe"
  for hook in post-extract post-deploy; do ln -s probe "$dir/$hook"; done
  git -C "$dir" init -q -b main
  git -C "$dir" add -A
  git -C "$dir" -c user.name=t -c user.email=t@t.invalid commit -q -m probe
  dokku plugin:install "file://$dir" --name k3s-probe >/dev/null
}

teardown_file() {
  teardown_dokku
}

setup() {
  : >"$K3S_PROBE_LOG" && chmod 0666 "$K3S_PROBE_LOG"
  create_app >/dev/null
  dokku scheduler:set "$TEST_APP" selected k3s >/dev/null
  SRC="$BATS_TEST_TMPDIR/src"
  cp -a "$NETWORK_HOST_TESTS_DIR/fixtures/apps/hello/." "$SRC/"
  printf 'web: /app/bin/web\nworker: /app/bin/web\n' >"$SRC/Procfile"
  DATA="$DOKKU_LIB_ROOT/data/scheduler-k3s/$TEST_APP"
  APPLIED="$DATA/applied.yaml"
}

teardown() {
  destroy_app >/dev/null 2>&1 || true
}

# user_kustomization [REPLICAS]: the app ships config/kustomize with Dokku's own test patch (web replicas)
user_kustomization() {
  mkdir -p "$SRC/config/kustomize"
  cat >"$SRC/config/kustomize/kustomization.yaml" <<EOF
resources:
- rendered.yaml
patches:
- path: replicas.yaml
EOF
  cat >"$SRC/config/kustomize/replicas.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $TEST_APP-web
spec:
  replicas: ${1:-3}
EOF
}

# web_replicas: spec.replicas of the web Deployment the last deploy applied
web_replicas() {
  awk -v name="$TEST_APP-web" '/^---$/ { d = 0; k = "" } /^kind: / { k = $2 } /^  name: / && k == "Deployment" { n = $2; gsub(/"/, "", n); d = (n == name) } d && /^  replicas: / { print $2 }' "$APPLIED"
}

probe_log() { cat "$K3S_PROBE_LOG"; }

@test "(standin-k3s) the selected scheduler: app, else --global, else docker-local" {
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  assert_output --partial "Deploying $TEST_APP via the k3s scheduler..."
  assert_output --partial "=====> Installing $TEST_APP"
  # no containers for a k3s app: the manifest is what the deploy leaves
  run "$DOCKER_BIN" container ls -aq --filter "label=com.dokku.app-name=$TEST_APP"
  assert_output ""
  [[ -f "$APPLIED" ]]
  dokku scheduler:set "$TEST_APP" selected >/dev/null
  dokku scheduler:set --global selected k3s >/dev/null
  run dokku ps:restart "$TEST_APP"
  dokku scheduler:set --global selected >/dev/null
  assert_success
  assert_output --partial "=====> Installing $TEST_APP"
}

@test "(standin-k3s) the applied chart has Dokku's objects for the app's processes" {
  dokku ports:set "$TEST_APP" http:80:5050 >/dev/null
  dokku ps:scale --skip-deploy "$TEST_APP" worker=2 >/dev/null
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run grep -E '^kind: |^  name: ' "$APPLIED"
  assert_output "$(printf 'kind: %s\n  name: %s\n' ServiceAccount "\"$TEST_APP\"" Service "$TEST_APP-web" Deployment "$TEST_APP-web" Deployment "$TEST_APP-worker")"
  run grep -A1 'name: PORT' "$APPLIED"
  assert_output "$(printf '        - name: PORT\n          value: "5050"')"
  run grep -c 'containerPort: 5050' "$APPLIED"
  assert_output 1
  run grep -c '^  strategy: {}$' "$APPLIED"
  assert_output 2
  # worker: no env list, two replicas, the Procfile command as args
  run awk '/^---$/ { p = 0 } /name: '"$TEST_APP"'-worker$/ { p = 1 } p' "$APPLIED"
  assert_output_contains "env:" 0
  assert_output --partial "  replicas: 2"
  assert_output --partial "        - /app/bin/web"
  # nothing was kustomized: the app has no config/kustomize
  run grep -c "Applying kustomization" <<<"$(deploy_app "$TEST_APP" "$SRC" 2>&1)"
  assert_output 0
}

@test "(standin-k3s) without config/kustomize: a .missing marker file, no root, the chart applied as rendered" {
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  local pid
  pid="$(sed -n 's/^post-extract pid=\([0-9]*\).*/\1/p' "$K3S_PROBE_LOG")"
  run probe_log
  assert_output "$(printf 'post-extract pid=%s kustomization.%s.missing\npost-deploy pid=%s applied.yaml kustomization.%s.missing' "$pid" "$pid" "$pid" "$pid")"
  # the marker is a file, which CorePostDeploy (testing for a directory) leaves in place
  [[ -f "$DATA/kustomization.$pid.missing" && ! -e "$DATA/kustomization" ]]
  run grep -c '^kind: Deployment$' "$APPLIED"
  assert_output 2
}

@test "(standin-k3s) with config/kustomize: copied to kustomization.<PID>, rendered from it, moved to the persistent root" {
  user_kustomization 3
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  assert_output --partial "Applying kustomization to $TEST_APP"
  local pid
  pid="$(sed -n 's/^post-extract pid=\([0-9]*\).*/\1/p' "$K3S_PROBE_LOG")"
  run probe_log
  assert_line "post-extract pid=$pid kustomization.$pid/"
  assert_line "post-deploy pid=$pid applied.yaml kustomization/"
  run web_replicas
  assert_output 3
  # the deploy's copy, with the rendered.yaml the post-renderer wrote into it, is now the persistent root
  run ls "$DATA/kustomization"
  assert_output $'kustomization.yaml\nrendered.yaml\nreplicas.yaml'
  cmp "$SRC/config/kustomize/replicas.yaml" "$DATA/kustomization/replicas.yaml"
}

@test "(standin-k3s) two deploys in a row: the second one's copy replaces the persistent root" {
  user_kustomization 3
  deploy_app "$TEST_APP" "$SRC" >/dev/null 2>&1
  user_kustomization 2
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run web_replicas
  assert_output 2
  grep -q "replicas: 2" "$DATA/kustomization/replicas.yaml"
  run ls "$DATA"
  assert_output $'applied.yaml\nkustomization'
  # dropping config/kustomize: Dokku keeps rendering from the old persistent root (the .missing check never matches)
  rm -rf "$SRC/config"
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  assert_output --partial "Applying kustomization to $TEST_APP"
  run web_replicas
  assert_output 2
  run probe_log
  assert_line --regexp "^post-deploy pid=([0-9]+) applied.yaml kustomization\.\1\.missing kustomization/$"
}

@test "(standin-k3s) a failed deploy leaves kustomization.<PID>, and the next extraction fails on it as in Dokku" {
  user_kustomization 3
  deploy_app "$TEST_APP" "$SRC" >/dev/null 2>&1
  # a patch of a Deployment the chart does not have: kustomize fails inside the helm post-renderer
  sed -i "s/name: $TEST_APP-web/name: no-such-deployment/" "$SRC/config/kustomize/replicas.yaml"
  run deploy_app "$TEST_APP" "$SRC"
  assert_failure
  assert_output --partial " !     Error deploying: error while running post render on files: "
  assert_output --partial "no-such-deployment"
  local failed
  failed="$(sed -n 's/^post-extract pid=\([0-9]*\).*/\1/p' "$K3S_PROBE_LOG" | tail -n1)"
  [[ -f "$DATA/kustomization.$failed/replicas.yaml" ]]
  # the persistent root and the applied manifest are those of the last good deploy
  grep -q "name: $TEST_APP-web" "$DATA/kustomization/replicas.yaml"
  run web_replicas
  assert_output 3
  # CorePostExtract's os.Remove of the leftover (non-empty) directory fails the next deploy, fixed or not
  user_kustomization 4
  run deploy_app "$TEST_APP" "$SRC"
  assert_failure
  assert_output --partial " !     remove $DATA/kustomization.$failed: directory not empty"
  run web_replicas
  assert_output 3
  # only removing it by hand lets deploys through again
  rm -rf "$DATA/kustomization.$failed"
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run web_replicas
  assert_output 4
}

@test "(standin-k3s) a failed deploy of an app without config/kustomize leaves only a marker file: the next one succeeds" {
  # a persistent root that is not the app's (what a plugin contributes for such an app) survives and is used
  mkdir -p "$DATA/kustomization"
  printf 'resources:\n- rendered.yaml\npatches:\n- path: replicas.yaml\n' >"$DATA/kustomization/kustomization.yaml"
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s-web\nspec:\n  replicas: 5\n' "$TEST_APP" >"$DATA/kustomization/replicas.yaml"
  # written by this (root) test where the dokku user writes on a Dokku host
  chown -R dokku:dokku "$DOKKU_LIB_ROOT/data/scheduler-k3s"
  cp "$SRC/Dockerfile" "$BATS_TEST_TMPDIR/Dockerfile.good"
  echo "RUN false" >>"$SRC/Dockerfile"
  run deploy_app "$TEST_APP" "$SRC"
  assert_failure
  assert_output --partial "App build failed"
  run ls "$DATA"
  assert_output --regexp $'^kustomization\nkustomization\\.[0-9]+\\.missing$'
  cp "$BATS_TEST_TMPDIR/Dockerfile.good" "$SRC/Dockerfile"
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  assert_output --partial "Applying kustomization to $TEST_APP"
  run web_replicas
  assert_output 5
  [[ -f "$DATA/kustomization/rendered.yaml" && -f "$DATA/kustomization/replicas.yaml" ]]
}

@test "(standin-k3s) DOKKU_STANDIN_K3S_MISSING_CHECK=file plays the fixed marker check: no render from the persistent root in a deploy without config/kustomize, which then removes it" {
  export DOKKU_STANDIN_K3S_MISSING_CHECK=file
  deploy_app "$TEST_APP" "$SRC" >/dev/null 2>&1
  # a persistent root that is not the app's, as in the test above
  mkdir -p "$DATA/kustomization"
  printf 'resources:\n- rendered.yaml\npatches:\n- path: replicas.yaml\n' >"$DATA/kustomization/kustomization.yaml"
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s-web\nspec:\n  replicas: 5\n' "$TEST_APP" >"$DATA/kustomization/replicas.yaml"
  chown -R dokku:dokku "$DOKKU_LIB_ROOT/data/scheduler-k3s"
  # no extraction, no marker: a restart renders from it under either check
  run dokku ps:restart "$TEST_APP"
  assert_success
  assert_output --partial "Applying kustomization to $TEST_APP"
  run web_replicas
  assert_output 5
  # a deploy: FileExists matches the marker core-post-extract touched (functions.go hasKustomizeDirectory), and the
  # good deploy's CorePostDeploy removes the marker and the persistent root
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  refute_output --partial "Applying kustomization to $TEST_APP"
  run web_replicas
  assert_output 1
  run ls "$DATA"
  assert_output "applied.yaml"
}

@test "(standin-k3s) DOKKU_STANDIN_K3S_MISSING_CHECK takes directory or file only" {
  DOKKU_STANDIN_K3S_MISSING_CHECK=dir run dokku scheduler-k3s:report "$TEST_APP"
  assert_failure
  assert_output --partial "DOKKU_STANDIN_K3S_MISSING_CHECK must be directory or file, got: dir"
  DOKKU_STANDIN_K3S_MISSING_CHECK=directory run dokku scheduler-k3s:report "$TEST_APP" --scheduler-k3s-computed-kustomize-root-path
  assert_success
  assert_output "config/kustomize"
}

@test "(standin-k3s) a kustomize root without a kustomization file fails the deploy" {
  mkdir -p "$SRC/config/kustomize"
  echo "x: 1" >"$SRC/config/kustomize/patch.yaml"
  run deploy_app "$TEST_APP" "$SRC"
  assert_failure
  assert_output --partial " !     Error deploying: error while running post render on files: kustomization.yaml not found"
  [[ ! -f "$APPLIED" ]]
}

@test "(standin-k3s) ps:restart and the deploy trigger render from the persistent root, with no extraction" {
  user_kustomization 3
  deploy_app "$TEST_APP" "$SRC" >/dev/null 2>&1
  : >"$K3S_PROBE_LOG" && chmod 0666 "$K3S_PROBE_LOG"
  sed -i 's/replicas: 3/replicas: 6/' "$DATA/kustomization/replicas.yaml"
  rm "$DATA/kustomization/rendered.yaml"
  run dokku ps:restart "$TEST_APP"
  assert_success
  assert_output --partial "Applying kustomization to $TEST_APP"
  run web_replicas
  assert_output 6
  [[ -f "$DATA/kustomization/rendered.yaml" ]]
  run probe_log
  assert_output --regexp "^post-deploy pid=[0-9]+ applied.yaml kustomization/$"
  sed -i 's/replicas: 6/replicas: 7/' "$DATA/kustomization/replicas.yaml"
  run run_plugn_trigger deploy "$TEST_APP" latest
  assert_success
  run web_replicas
  assert_output 7
}

@test "(standin-k3s) scheduler-k3s:set/report kustomize-root-path choose the directory extracted" {
  run dokku scheduler-k3s:report "$TEST_APP" --scheduler-k3s-computed-kustomize-root-path
  assert_output "config/kustomize"
  run dokku scheduler-k3s:set "$TEST_APP" kustomize-root-path deploy/k8s
  assert_success
  assert_output "=====> Setting kustomize-root-path to deploy/k8s"
  run dokku scheduler-k3s:set --global kustomize-root-path elsewhere
  assert_success
  run dokku scheduler-k3s:report "$TEST_APP"
  assert_success
  assert_line "=====> $TEST_APP scheduler-k3s information"
  assert_line --regexp "^       Scheduler k3s computed kustomize root path: +deploy/k8s$"
  assert_line --regexp "^       Scheduler k3s global kustomize root path: +elsewhere$"
  assert_line --regexp "^       Scheduler k3s kustomize root path: +deploy/k8s$"
  dokku scheduler-k3s:set --global kustomize-root-path >/dev/null
  run dokku scheduler-k3s:set "$TEST_APP" no-such-key x
  assert_failure
  assert_output --partial "Invalid property specified, valid properties include: cert-issuer-kind, "
  user_kustomization 2
  mkdir -p "$SRC/deploy"
  mv "$SRC/config/kustomize" "$SRC/deploy/k8s"
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run web_replicas
  assert_output 2
}

@test "(standin-k3s) scheduler-k3s:preview shows what the next deploy would change" {
  run dokku scheduler-k3s:preview "$TEST_APP"
  assert_success
  user_kustomization 3
  deploy_app "$TEST_APP" "$SRC" >/dev/null 2>&1
  run dokku scheduler-k3s:preview "$TEST_APP"
  assert_success
  assert_output_contains "replicas: " 0
  sed -i 's/replicas: 3/replicas: 8/' "$DATA/kustomization/replicas.yaml"
  run dokku scheduler-k3s:preview "$TEST_APP"
  assert_success
  assert_line "-  replicas: 3"
  assert_line "+  replicas: 8"
  dokku scheduler:set "$TEST_APP" selected docker-local >/dev/null
  run dokku scheduler-k3s:preview "$TEST_APP"
  assert_failure
  assert_output " !     App $TEST_APP is not configured to use the k3s scheduler"
}

@test "(standin-k3s) apps on docker-local are extracted too (Dokku's trigger runs for every app) and still run containers" {
  dokku scheduler:set "$TEST_APP" selected docker-local >/dev/null
  user_kustomization 3
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  assert_output --partial "Deploying $TEST_APP via the docker-local scheduler..."
  [[ ! -f "$APPLIED" && -f "$DATA/kustomization/kustomization.yaml" ]]
  run "$DOCKER_BIN" container ls -q --filter "label=com.dokku.app-name=$TEST_APP"
  assert_success
  [[ -n "$output" ]]
}
