#!/usr/bin/env bats
# Apps on Dokku's k3s scheduler: the plugin's Kustomize component through the stand-in's k3s life cycle
# (tests/dokku/plugins/scheduler-k3s: extract, the render root, the move after a good deploy, restarts from the
# persistent root), rendered by kubectl's kustomize; assertions on the parsed manifest a deploy would apply.
load test_helper

setup_file() {
  setup_dokku
  # The cluster the stand-in lists: the Dokku server's node (not joined from a remote host) and a worker.
  mkdir -p "$DOKKU_LIB_ROOT/data/scheduler-k3s"
  cat >"$DOKKU_LIB_ROOT/data/scheduler-k3s/.cluster-nodes.json" <<'EOF'
[{"Name":"ip-10-0-0-5-a1b2c","Roles":["control-plane","etcd","master"],"Ready":true,"RemoteHost":"","Version":"v1.32.4+k3s1"},
 {"Name":"ip-10-0-0-6-d3e4f","Roles":["worker"],"Ready":true,"RemoteHost":"ssh://root@10.0.0.6","Version":"v1.32.4+k3s1"}]
EOF
  chown -R dokku:dokku "$DOKKU_LIB_ROOT/data/scheduler-k3s"
}
teardown_file() { teardown_dokku; }

setup() {
  create_app >/dev/null
  dokku scheduler:set "$TEST_APP" selected k3s >/dev/null
  SRC="$BATS_TEST_TMPDIR/src"
  cp -a "$NETWORK_HOST_TESTS_DIR/fixtures/apps/hello/." "$SRC/"
  printf 'web: /app/bin/web\nworker: /app/bin/web\n' >"$SRC/Procfile"
  dokku ps:scale --skip-deploy "$TEST_APP" worker=1 >/dev/null
  APPLIED="$DOKKU_LIB_ROOT/data/scheduler-k3s/$TEST_APP/applied.yaml"
  PERSISTENT="$DOKKU_LIB_ROOT/data/scheduler-k3s/$TEST_APP/kustomization"
}
teardown() { destroy_app >/dev/null 2>&1 || true; }

# manifest EXPR: EXPR evaluated over `docs`, the objects of the applied manifest (JSON with sorted keys, unless a string)
manifest() {
  node -e '
    const yaml = require(process.argv[1]);
    const docs = yaml.parseAllDocuments(require("fs").readFileSync(process.argv[2], "utf8")).map((d) => d.toJSON()).filter(Boolean);
    const find = (kind, name) => docs.find((d) => d.kind === kind && d.metadata.name === name);
    const value = new Function("docs", "find", "app", `return (${process.argv[3]})`)(docs, find, process.argv[4]);
    const sorted = (v) => (Array.isArray(v) ? v.map(sorted) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v);
    console.log(typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(sorted(value)));
  ' "$NETWORK_HOST_REPO_DIR/node_modules/yaml" "$APPLIED" "$1" "$TEST_APP"
}
# same_chart A B: two renders that differ at most in the deployment ID the chart stamps on every render
same_chart() { diff <(grep -v 'app.kubernetes.io/version:' "$1") <(grep -v 'app.kubernetes.io/version:' "$2"); }
pod() { manifest "find('Deployment', app + '-$1').spec.template.spec$2"; }

# --- the component reaches the render whichever way Dokku tests its `.missing` marker ------------------------------
# Each test below runs twice: under Dokku 0.38's DirectoryExists test of the marker file core-post-extract touches
# (never matches), and under the obvious fix, FileExists (the marker disables the persistent root in that deploy, and a
# good deploy removes that root): DOKKU_STANDIN_K3S_MISSING_CHECK, tests/dokku/README.md.

# host_pods: host mode as the component renders it, on every process of the app
host_pods() {
  local proc
  for proc in web worker; do
    run pod "$proc" ".hostNetwork"
    assert_output "true"
    run pod "$proc" ".dnsPolicy"
    assert_output "ClusterFirstWithHostNet"
    run pod "$proc" ".nodeSelector"
    assert_output '{"kubernetes.io/hostname":"ip-10-0-0-5-a1b2c"}'
    run manifest "find('Deployment', app + '-$proc').spec.strategy"
    assert_output '{"type":"Recreate"}'
  done
}

host_mode_without_own_kustomization() {
  export DOKKU_STANDIN_K3S_MISSING_CHECK="$1"
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  host_pods
  run dokku ps:restart "$TEST_APP"
  assert_success
  host_pods
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  host_pods
  run dokku network-host:report "$TEST_APP" --network-host-k3s-component
  assert_output "persistent root $PERSISTENT"
  dokku network-host:disable "$TEST_APP" >/dev/null
  run dokku network-host:report "$TEST_APP" --network-host-k3s-component
  assert_output "not installed"
}

gateway_without_own_kustomization() {
  export DOKKU_STANDIN_K3S_MISSING_CHECK="$1"
  dokku network-host:gateway "$TEST_APP" --ip 10.0.0.9 --alias db.internal --no-rebuild >/dev/null
  local step
  for step in deploy restart; do
    if [[ "$step" == deploy ]]; then run deploy_app "$TEST_APP" "$SRC"; else run dokku ps:restart "$TEST_APP"; fi
    assert_success
    run pod web ".hostAliases"
    assert_output '[{"hostnames":["db.internal"],"ip":"10.0.0.9"}]'
    run pod worker ".hostAliases"
    assert_output '[{"hostnames":["db.internal"],"ip":"10.0.0.9"}]'
    run pod worker ".containers[0].env"
    assert_output '[{"name":"HOST_IP","valueFrom":{"fieldRef":{"fieldPath":"status.hostIP"}}}]'
  done
  run dokku network-host:report "$TEST_APP" --network-host-k3s-component
  assert_output "persistent root $PERSISTENT"
}

host_mode_with_own_kustomization() {
  export DOKKU_STANDIN_K3S_MISSING_CHECK="$1"
  mkdir -p "$SRC/config/kustomize"
  printf 'resources:\n- rendered.yaml\npatches:\n- path: own.yaml\n' >"$SRC/config/kustomize/kustomization.yaml"
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s-web\nspec:\n  template:\n    metadata:\n      annotations:\n        own: patch\n' "$TEST_APP" >"$SRC/config/kustomize/own.yaml"
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null
  local step
  for step in deploy restart; do
    if [[ "$step" == deploy ]]; then run deploy_app "$TEST_APP" "$SRC"; else run dokku ps:restart "$TEST_APP"; fi
    assert_success
    host_pods
    run manifest "find('Deployment', app + '-web').spec.template.metadata.annotations.own"
    assert_output "patch"
  done
  run dokku network-host:report "$TEST_APP" --network-host-k3s-component
  assert_output "the app's kustomization $PERSISTENT/kustomization.yaml"
}

@test "(network-host k3s) Dokku 0.38's marker check: host mode from the first deploy, after a restart and a redeploy; the report names the persistent root" {
  host_mode_without_own_kustomization directory
}
@test "(network-host k3s) the marker checked as a file: host mode from the first deploy, after a restart and a redeploy; the report names the persistent root" {
  host_mode_without_own_kustomization file
}
@test "(network-host k3s) Dokku 0.38's marker check: gateway hostAliases and HOST_IP from the first deploy and after a restart" {
  gateway_without_own_kustomization directory
}
@test "(network-host k3s) the marker checked as a file: gateway hostAliases and HOST_IP from the first deploy and after a restart" {
  gateway_without_own_kustomization file
}
@test "(network-host k3s) Dokku 0.38's marker check: with the app's own kustomization, host mode at the deploy and after a restart; the report names it" {
  host_mode_with_own_kustomization directory
}
@test "(network-host k3s) the marker checked as a file: with the app's own kustomization, host mode at the deploy and after a restart; the report names it" {
  host_mode_with_own_kustomization file
}

@test "(network-host k3s) host mode: hostNetwork, ClusterFirstWithHostNet, Recreate and the pin to Dokku's node, on the app's Deployments only" {
  deploy_app "$TEST_APP" "$SRC" >/dev/null
  cp "$APPLIED" "$BATS_TEST_TMPDIR/before.yaml"
  run dokku network-host:enable "$TEST_APP"
  assert_success
  assert_output --partial "Restarting $TEST_APP so the change takes effect"
  host_pods
  for proc in web worker; do
    run pod "$proc" ".tolerations"
    assert_output '[{"effect":"NoSchedule","key":"CriticalAddonsOnly","operator":"Exists"}]'
  done
  # the Service and the ServiceAccount are as the chart rendered them
  run manifest "[find('Service', app + '-web'), find('ServiceAccount', app)]"
  assert_output "$(APPLIED="$BATS_TEST_TMPDIR/before.yaml" manifest "[find('Service', app + '-web'), find('ServiceAccount', app)]")"
}

@test "(network-host k3s) gateway mode: hostAliases with the literal address, HOST_IP from the downward API on every container" {
  dokku network-host:gateway "$TEST_APP" --ip 10.0.0.9 --alias db.internal --alias host.docker.internal --no-rebuild >/dev/null
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run pod web ".hostAliases"
  assert_output '[{"hostnames":["db.internal","host.docker.internal"],"ip":"10.0.0.9"}]'
  run pod web ".containers[0].env.map((e) => e.name).sort()"
  assert_output '["HOST_IP","PORT"]'
  run pod worker ".containers[0].env"
  assert_output '[{"name":"HOST_IP","valueFrom":{"fieldRef":{"fieldPath":"status.hostIP"}}}]'
  run pod web ".hostNetwork"
  assert_output ""
}

@test "(network-host k3s) gateway mode on any node with host-gateway: HOST_IP on every container, no host entries, and the warning says why" {
  deploy_app "$TEST_APP" "$SRC" >/dev/null
  dokku network-host:set "$TEST_APP" k3s-node any >/dev/null
  run dokku network-host:gateway "$TEST_APP"
  assert_success
  assert_output --partial "Kubernetes has no host-gateway: $TEST_APP's pods get HOST_IP (the address of the node they run on) but no host.docker.internal entry. Fix: dokku network-host:set $TEST_APP gateway-ip <address>"
  assert_output --partial "Restarting $TEST_APP so the change takes effect"
  run pod web ".hostAliases"
  assert_output ""
  run pod web ".nodeSelector"
  assert_output ""
  run pod worker ".containers[0].env"
  assert_output '[{"name":"HOST_IP","valueFrom":{"fieldRef":{"fieldPath":"status.hostIP"}}}]'
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run pod web ".containers[0].env.map((e) => e.name).sort()"
  assert_output '["HOST_IP","PORT"]'
}

@test "(network-host k3s) disable renders the chart as without the plugin; the persistent root is as before" {
  deploy_app "$TEST_APP" "$SRC" >/dev/null
  cp "$APPLIED" "$BATS_TEST_TMPDIR/plain.yaml"
  dokku network-host:enable "$TEST_APP" >/dev/null
  run dokku network-host:disable "$TEST_APP"
  assert_success
  run same_chart "$BATS_TEST_TMPDIR/plain.yaml" "$APPLIED"
  assert_success
  deploy_app "$TEST_APP" "$SRC" >/dev/null
  run same_chart "$BATS_TEST_TMPDIR/plain.yaml" "$APPLIED"
  assert_success
  # the plugin made the persistent root for this app (it ships no kustomization), so it goes again
  [[ ! -e "$PERSISTENT" ]]
}

@test "(network-host k3s) the app's own kustomization is kept: its patch still applies, only the component entry is added" {
  mkdir -p "$SRC/config/kustomize"
  printf '# the app'"'"'s own\nresources:\n- rendered.yaml\npatches:\n- path: replicas.yaml\n' >"$SRC/config/kustomize/kustomization.yaml"
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s-web\nspec:\n  replicas: 1\n  template:\n    metadata:\n      annotations:\n        own: patch\n' "$TEST_APP" >"$SRC/config/kustomize/replicas.yaml"
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run manifest "find('Deployment', app + '-web').spec.template.metadata.annotations.own"
  assert_output "patch"
  run pod web ".hostNetwork"
  assert_output "true"
  run cat "$PERSISTENT/kustomization.yaml"
  assert_output --partial "# the app's own"
  assert_output --partial "- path: replicas.yaml"
  assert_output --partial "- network-host"
}

@test "(network-host k3s) two deploys in a row, and a failed deploy followed by a good one, leave the right files" {
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null
  deploy_app "$TEST_APP" "$SRC" >/dev/null
  deploy_app "$TEST_APP" "$SRC" >/dev/null
  run pod web ".hostNetwork"
  assert_output "true"
  # a broken build after the extraction: the deploy fails
  cp -a "$SRC" "$BATS_TEST_TMPDIR/broken"
  echo 'RUN false' >>"$BATS_TEST_TMPDIR/broken/Dockerfile"
  run deploy_app "$TEST_APP" "$BATS_TEST_TMPDIR/broken"
  assert_failure
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run pod worker ".dnsPolicy"
  assert_output "ClusterFirstWithHostNet"
  run find "$DOKKU_LIB_ROOT/data/scheduler-k3s/$TEST_APP" -maxdepth 1 -name 'kustomization.*' -type d
  assert_output ""
}

@test "(network-host k3s) the report says where the setting applies, and that dokku run is not covered" {
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null
  run dokku network-host:report "$TEST_APP" --network-host-applies
  assert_output "pods (through a Kustomize component), builds, app.json tasks (containers on the Dokku server); not dokku run (its Kubernetes Job gets no Kustomize step)"
  run dokku network-host:report "$TEST_APP" --network-host-redeploys
  assert_output --partial "Recreate"
  run dokku network-host:set "$TEST_APP" phases deploy,run
  assert_output --partial "dokku run starts a Kubernetes Job that Dokku builds without its Kustomize step"
}

@test "(network-host k3s) host mode: more replicas than the one pinned node are refused, before the deploy; k3s-node any lifts the pin up to the cluster's nodes" {
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null
  dokku ps:scale --skip-deploy "$TEST_APP" worker=2 >/dev/null
  run deploy_app "$TEST_APP" "$SRC"
  assert_failure
  assert_output --partial "runs 2 worker pods pinned to one node"
  assert_output --partial "dokku ps:scale $TEST_APP worker=1"
  dokku network-host:set "$TEST_APP" k3s-node any >/dev/null
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run pod worker ".nodeSelector"
  assert_output ""
  # Unpinned, each pod still needs a node of its own: the cluster lists two.
  dokku ps:scale --skip-deploy "$TEST_APP" worker=3 >/dev/null
  run deploy_app "$TEST_APP" "$SRC"
  assert_failure
  assert_output --partial "runs 3 worker pods with host networking, but the cluster has 2 ready node(s)"
  assert_output --partial "dokku ps:scale $TEST_APP worker=2"
}

@test "(network-host k3s) --process worker: only the worker's Deployment is patched; web renders as without the plugin and may have replicas" {
  deploy_app "$TEST_APP" "$SRC" >/dev/null
  cp "$APPLIED" "$BATS_TEST_TMPDIR/plain.yaml"
  dokku ps:scale --skip-deploy "$TEST_APP" web=2 >/dev/null
  run dokku network-host:enable "$TEST_APP" --process worker --no-rebuild
  assert_success
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run pod worker ".hostNetwork"
  assert_output "true"
  run pod worker ".nodeSelector"
  assert_output '{"kubernetes.io/hostname":"ip-10-0-0-5-a1b2c"}'
  run manifest "find('Deployment', app + '-worker').spec.strategy"
  assert_output '{"type":"Recreate"}'
  run pod web ".hostNetwork"
  assert_output ""
  run pod web ".nodeSelector"
  assert_output ""
  run manifest "find('Deployment', app + '-web').spec.replicas"
  assert_output "2"
  run manifest "find('Deployment', app + '-web').spec.strategy"
  assert_output "$(APPLIED="$BATS_TEST_TMPDIR/plain.yaml" manifest "find('Deployment', app + '-web').spec.strategy")"
  run dokku network-host:report "$TEST_APP" --network-host-redeploys
  assert_output --partial "Kubernetes' rolling update for web (web is not in host mode; host mode for worker)"
}

# last in this file: the uninstall trigger takes the plugin's whole store with it
@test "(network-host k3s) plugin:uninstall takes the component out of the app's persistent root, and nothing else" {
  mkdir -p "$SRC/config/kustomize"
  printf 'resources:\n- rendered.yaml\n' >"$SRC/config/kustomize/kustomization.yaml"
  deploy_app "$TEST_APP" "$SRC" >/dev/null
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null
  [[ -d "$PERSISTENT/network-host" ]]
  run grep -c network-host "$PERSISTENT/kustomization.yaml"
  assert_output 1
  # what plugin:uninstall runs, as root (plugins/plugin/subcommands/uninstall)
  run "$PLUGIN_PATH/enabled/network-host/uninstall" network-host
  assert_success
  [[ ! -e "$PERSISTENT/network-host" ]]
  run cat "$PERSISTENT/kustomization.yaml"
  assert_output $'resources:\n- rendered.yaml'
  # uninstall runs as root: the user's file it rewrote is the dokku user's again
  run stat -c %U "$PERSISTENT/kustomization.yaml"
  assert_output dokku
}
