#!/usr/bin/env bats
# Calibration of the Dokku stand-in's push path, user and failed-checks retirement against
# Dokku v0.38.27: `git push dokku@host:APP main` (sshd's forced command -> `dokku
# git-receive-pack 'APP'` -> the catch-all loop over every plugin's `commands` -> git-shell ->
# the pre-receive hook -> `dokku git-hook APP` -> the catch-all loop again -> receive-app), all
# as the dokku user. Runs without the plugin under test (--no-plugin), with tiny test plugins.

load test_helper

STANDIN_BIN="$NETWORK_HOST_TESTS_DIR/dokku/bin"
SUDO_SECURE_PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SSHD_PATH="/usr/local/bin:/usr/bin:/bin:/usr/games"

setup_file() {
  setup_dokku --no-plugin
}

teardown_file() {
  teardown_dokku
}

teardown() {
  local name
  for name in a-cmdlog zz-cmdlog a-fail127 zz-whoami zz-retired; do unlink_test_plugin "$name"; done
}

# make_test_plugin DIR: an empty community plugin (plugin.toml with its [plugin.config] table)
make_test_plugin() {
  mkdir -p "$1"
  printf '[plugin]\ndescription = "stand-in push probe"\nversion = "0.0.1"\n[plugin.config]\n' >"$1/plugin.toml"
}

# test_log NAME: a log file in the test's tmpdir that the dokku user's hooks can append to
test_log() {
  local log="$BATS_TEST_TMPDIR/$1.log"
  : >"$log"
  chmod 0666 "$log"
  echo "$log"
}

# a fixture whose container exits at once: the uptime check fails
make_failing_fixture() {
  mkdir -p "$1"
  printf 'FROM %s\nCMD ["sh", "-c", "exit 3"]\n' "$NETWORK_HOST_TEST_IMAGE" >"$1/Dockerfile"
}

@test "(standin-push) a push builds and deploys through the pre-receive hook; the container serves" {
  require_docker
  create_app
  # post-create installs Dokku's pre-receive hook in the bare repo
  run cat "$DOKKU_ROOT/$TEST_APP/hooks/pre-receive"
  assert_output "$(printf '%s\n' '#!/usr/bin/env bash' 'set -e' 'set -o pipefail' '' \
    "cat | DOKKU_ROOT=\"$DOKKU_ROOT\" dokku git-hook \"$TEST_APP\"")"
  [[ -x "$DOKKU_ROOT/$TEST_APP/hooks/pre-receive" ]]

  run deploy_app
  assert_success
  # the build and deploy output comes back to the pusher as git's remote lines
  assert_line --partial "remote: -----> Building $TEST_APP from Dockerfile"
  assert_line --partial "remote: =====> Application deployed:"
  assert_line --partial " * [new branch]      main -> main"
  run dokku enter "$TEST_APP" web wget -qO- 127.0.0.1:5000
  assert_success
  assert_output "hello from the app"
  # deploy-source-set "git-push" NEWREV (plugins/apps/triggers.go)
  [[ "$(<"$DOKKU_LIB_ROOT/config/apps/$TEST_APP/deploy-source")" == "git-push" ]]
  [[ "$(<"$DOKKU_LIB_ROOT/config/apps/$TEST_APP/deploy-source-metadata")" == "$(git --git-dir="$DOKKU_ROOT/$TEST_APP" rev-parse refs/heads/main)" ]]
  # what the push wrote belongs to the dokku user, as on a Dokku host
  run stat -c %U "$DOKKU_ROOT/$TEST_APP/refs/heads/main" "$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1" "$DOKKU_LIB_ROOT/data/apps/$TEST_APP/.deploy.lock"
  assert_output "$(printf 'dokku\n%.0s' 1 2 3)"

  # a second push of the same fixture is a new commit: it redeploys
  local first
  first="$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")"
  run deploy_app
  assert_success
  assert_line --partial "remote: =====> Application deployed:"
  [[ "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")" != "$first" ]]
  destroy_app
}

@test "(standin-push) the catch-all loop runs every plugin's commands with git-receive-pack and git-hook" {
  require_docker
  local log dir name
  log="$(test_log commands)"
  # one plugin before `git` in glob order, one after it: both see both calls
  for name in a-cmdlog zz-cmdlog; do
    dir="$BATS_TEST_TMPDIR/$name"
    make_test_plugin "$dir"
    cat >"$dir/commands" <<EOF
#!/usr/bin/env bash
echo "$name \$(id -un) [\$1] [\$2] PATH=\$PATH" >>"$log"
exit "\$DOKKU_NOT_IMPLEMENTED_EXIT"
EOF
    chmod +x "$dir/commands"
    link_test_plugin "$dir"
  done
  create_app
  : >"$log"
  run deploy_app
  assert_success
  assert_line --partial "remote: =====> Application deployed:"
  # the app reaches git-receive-pack with the quotes git put around the path over ssh
  # (sshcommand's forced command splits $SSH_ORIGINAL_COMMAND; cmd-git-glob strips them). The
  # git-hook loop runs inside the git plugin's turn of the git-receive-pack loop, which then
  # goes on to zz-cmdlog.
  run cut -d' ' -f1-4 "$log"
  assert_output "$(printf '%s\n' "a-cmdlog dokku [git-receive-pack] ['$TEST_APP']" \
    "a-cmdlog dokku [git-hook] [$TEST_APP]" "zz-cmdlog dokku [git-hook] [$TEST_APP]" \
    "zz-cmdlog dokku [git-receive-pack] ['$TEST_APP']")"
  # received over ssh: sshd's PATH, not sudo's (git-shell, git and git-receive-pack each put
  # git's exec dir first, so the hook's `dokku git-hook` sees it three times)
  run grep -c "git-receive-pack.* PATH=$STANDIN_BIN:$SSHD_PATH\$" "$log"
  assert_output 2
  run grep -cE "git-hook.* PATH=($(git --exec-path):){3}$STANDIN_BIN:$SSHD_PATH\$" "$log"
  assert_output 2
  destroy_app
}

@test "(standin-push) a plugin's commands failing git-hook (exit 127) fails the push; nothing is deployed" {
  local dir="$BATS_TEST_TMPDIR/a-fail127"
  make_test_plugin "$dir"
  cat >"$dir/commands" <<'EOF'
#!/usr/bin/env bash
[[ "$1" == "git-hook" ]] && echo "a-fail127 refuses" >&2 && exit 127
exit "$DOKKU_NOT_IMPLEMENTED_EXIT"
EOF
  chmod +x "$dir/commands"
  link_test_plugin "$dir"
  create_app
  run deploy_app
  assert_failure
  assert_line --partial "remote: a-fail127 refuses"
  assert_line --partial "! [remote rejected] main -> main (pre-receive hook declined)"
  # the loop stopped at a-fail127, before the git plugin's `commands`: no build, ref not stored
  assert_output_contains "Building $TEST_APP" 0
  run git --git-dir="$DOKKU_ROOT/$TEST_APP" rev-parse --verify --quiet refs/heads/main
  assert_failure
  [[ ! -e "$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1" ]]
  destroy_app
}

@test "(standin-push) a push to another branch is stored but not deployed; to an unknown app it creates the app" {
  local work="$BATS_TEST_TMPDIR/work" app
  create_app
  mkdir -p "$work"
  echo x >"$work/file"
  git -C "$work" init -q -b feature
  git -C "$work" add -A
  git -C "$work" -c user.name=t -c user.email=t@t.invalid commit -q -m x
  run git_push_dokku "$work" "$TEST_APP" feature
  assert_success
  assert_output --partial "-----> WARNING: deploy did not complete, you must push to main."
  assert_output --partial "-----> for example, try 'git push <dokku> feature:main'"
  git --git-dir="$DOKKU_ROOT/$TEST_APP" rev-parse --verify --quiet refs/heads/feature
  destroy_app

  # app-maybe-create: the receiving side creates the app, its repo and hook
  app="rdmtestapp-auto-$RANDOM"
  run git_push_dokku "$work" "$app" feature
  assert_success
  [[ -d "$DOKKU_ROOT/$app/refs" && -x "$DOKKU_ROOT/$app/hooks/pre-receive" ]]
  [[ "$(stat -c %U "$DOKKU_ROOT/$app")" == dokku ]]
  destroy_app "$app"
  mkdir -p "$DOKKU_LIB_ROOT/config/apps/--global"
  printf true >"$DOKKU_LIB_ROOT/config/apps/--global/disable-autocreation"
  chown -R dokku:dokku "$DOKKU_LIB_ROOT/config/apps/--global"
  run git_push_dokku "$work" "$app" feature
  rm -f "$DOKKU_LIB_ROOT/config/apps/--global/disable-autocreation"
  assert_failure
  assert_output --partial " !     App auto-creation disabled."
  assert_output --partial " !     Re-enable app auto-creation or create an app with 'dokku apps:create $app'"
  [[ ! -e "$DOKKU_ROOT/$app" ]]
}

@test "(standin-push) commands and triggers run as the dokku user with sudo's secure_path; plugin:* as root" {
  local dir="$BATS_TEST_TMPDIR/zz-whoami" log
  log="$(test_log whoami)"
  make_test_plugin "$dir"
  mkdir -p "$dir/subcommands"
  # shellcheck disable=SC2016 # the hooks' own expansions
  printf '#!/usr/bin/env bash\necho "$1 $(id -un) $(id -Gn | tr " " ,) HOME=$HOME PATH=$PATH VAR=$STANDIN_PUSH_VAR" >>"%s"\n' "$log" >"$dir/post-create"
  # shellcheck disable=SC2016
  printf '#!/usr/bin/env bash\necho "$1 $(id -un) PATH=$PATH"\n' >"$dir/subcommands/whoami"
  chmod +x "$dir/post-create" "$dir/subcommands/whoami"
  link_test_plugin "$dir"
  export STANDIN_PUSH_VAR=kept
  create_app
  # a trigger: the dokku user (in the docker group), HOME=~dokku, the environment kept (sudo -E)
  run cat "$log"
  assert_output --regexp "^$TEST_APP dokku ([^ ]*,)?docker(,[^ ]*)? HOME=$DOKKU_ROOT PATH=$STANDIN_BIN:$SUDO_SECURE_PATH VAR=kept\$"
  run dokku zz-whoami:whoami
  assert_success
  assert_output "zz-whoami:whoami dokku PATH=$STANDIN_BIN:$SUDO_SECURE_PATH"
  # the files the commands create belong to the dokku user; the layout's own to root
  run stat -c %U "$DOKKU_ROOT/$TEST_APP" "$DOKKU_LIB_ROOT/config/apps/$TEST_APP/created-at" "$DOKKU_LIB_ROOT/config/git/--global/deploy-branch"
  assert_output "$(printf 'dokku\n%.0s' 1 2 3)"
  run stat -c '%U:%G %a' "$DOKKU_STANDIN_ROOT" "$DOKKU_LIB_ROOT" "$DOKKU_LIB_ROOT/data" "$DOKKU_STANDIN_ROOT/var/log/dokku"
  assert_output "$(printf '%s\n' "root:root 755" "root:root 755" "dokku:dokku 755" "root:dokku 775")"
  # plugin:* stays root's; the dokku user may not run it
  run dokku plugin:installed zz-whoami
  assert_success
  run setpriv --reuid=dokku --regid=dokku --init-groups env HOME="$DOKKU_ROOT" dokku plugin:enable zz-whoami
  assert_failure
  assert_output " !     This command must be run as root"
  destroy_app
}

@test "(standin-push) setup --as-caller: commands keep the caller's user, with the same PATH" {
  local root line dir="$BATS_TEST_TMPDIR/zz-whoami"
  line="$("$NETWORK_HOST_TESTS_DIR/dokku/setup" --no-plugin --as-caller)"
  root="${line#export DOKKU_STANDIN_ROOT=}"
  make_test_plugin "$dir"
  mkdir -p "$dir/subcommands"
  # shellcheck disable=SC2016
  printf '#!/usr/bin/env bash\necho "$1 $(id -un) PATH=$PATH"\n' >"$dir/subcommands/whoami"
  chmod +x "$dir/subcommands/whoami"
  ln -s "$dir" "$root/var/lib/dokku/plugins/available/zz-whoami"
  ln -s "$root/var/lib/dokku/plugins/available/zz-whoami" "$root/var/lib/dokku/plugins/enabled/zz-whoami"
  DOKKU_STANDIN_ROOT="$root" run dokku zz-whoami:whoami
  [[ "$(stat -c %U "$root/home/dokku")" == "$(id -un)" ]]
  "$NETWORK_HOST_TESTS_DIR/dokku/setup" --teardown "$root"
  assert_success
  assert_output "zz-whoami:whoami $(id -un) PATH=$STANDIN_BIN:$SUDO_SECURE_PATH"
}

@test "(standin-push) failed checks: kill_new retires the new container with an empty APP, the push fails" {
  require_docker
  local dir="$BATS_TEST_TMPDIR/zz-retired" log failing="$BATS_TEST_TMPDIR/failing" old new
  log="$(test_log retired)"
  make_test_plugin "$dir"
  # one line per call: the arguments, each closed by |
  printf '#!/usr/bin/env bash\n{ printf "%%s|" "$@"; echo; } >>"%s"\n' "$log" >"$dir/scheduler-register-retired"
  chmod +x "$dir/scheduler-register-retired"
  create_app
  run deploy_app
  assert_success
  old="$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")"
  link_test_plugin "$dir"

  make_failing_fixture "$failing"
  run deploy_app "$TEST_APP" "$failing"
  assert_failure
  assert_line --partial "remote:  !     Could not start due to 1 failed checks (web.1)"
  assert_line --partial "! [remote rejected] main -> main (pre-receive hook declined)"
  assert_output_contains "Application deployed:" 0
  # kill_new ran from the EXIT trap after main's locals were gone: APP is empty; the CID is the
  # new container's; the wait is DOKKU_WAIT_TO_RETIRE from the environment (exported by
  # scheduler-deploy; the stand-in's default is 0)
  new="$(cut -d' ' -f1 <"$DOKKU_LIB_ROOT/data/scheduler-docker-local/failed-containers")"
  [[ "$new" =~ ^[0-9a-f]{64}$ && "$new" != "$old" ]]
  run cat "$log"
  assert_output "|$new|0|"
  [[ "$("$DOCKER_BIN" container inspect --format '{{ index .Config.Labels "com.dokku.app-name" }} {{.State.Status}}' "$new")" == "$TEST_APP exited" ]]
  # the old container keeps serving; the state files still name it
  [[ "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")" == "$old" ]]
  run dokku enter "$TEST_APP" web wget -qO- 127.0.0.1:5000
  assert_output "hello from the app"
  # the retirement entry has no app either (Dokku's register-retired writes "${APP} ${CID} …")
  run grep -c "^ $new " "$DOKKU_LIB_ROOT/data/scheduler-docker-local/dead-containers"
  assert_output 1

  # the other call sites pass what Dokku passes: a successful redeploy retires the old
  # container with APP, CID and the wait
  : >"$log"
  run deploy_app
  assert_success
  run cat "$log"
  assert_output "$TEST_APP|$old|0|"
  destroy_app
  "$DOCKER_BIN" container rm --force "$new" &>/dev/null || true
}
