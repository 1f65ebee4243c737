#!/usr/bin/env bash
# ssh for the Dokku stand-in: what sshd + sshcommand do on a Dokku host when a client runs
# `ssh dokku@host COMMAND`, without a network or an sshd. Git uses it as its ssh program:
#
#   GIT_SSH_COMMAND="bash tests/lib/standin-ssh.bash" GIT_SSH_VARIANT=simple \
#     git push dokku@dokku.invalid:APP main
#
# git then runs `standin-ssh.bash dokku@dokku.invalid "git-receive-pack 'APP'"`. On a Dokku host
# sshd starts the forced command that sshcommand wrote into ~dokku/.ssh/authorized_keys,
#   command="FINGERPRINT=… NAME=\"admin\" `cat ~dokku/.sshcommand` $SSH_ORIGINAL_COMMAND"
# through the dokku user's shell, with SSH_ORIGINAL_COMMAND set to the client's command. So does
# this script: as the dokku user (setpriv, when run as root and the root belongs to that user;
# otherwise as the caller, for roots made with `setup --as-caller`), with sshd's session
# variables (HOME=~dokku = DOKKU_ROOT, USER, LOGNAME, SHELL, SSH_CLIENT, SSH_CONNECTION and
# Debian sshd's default PATH /usr/local/bin:/usr/bin:/bin:/usr/games, after the stand-in bin dir
# that plays /usr/bin). Deviation: the rest of the caller's environment is kept (sshd would start
# from an empty one), so DOKKU_STANDIN_ROOT and the tests' hook variables reach the receiving side.
# Only the `simple` ssh variant's arguments are understood: [user@]host command.
set -eo pipefail

STANDIN_SSH_BIN="$(cd "$(dirname "${BASH_SOURCE[0]}")/../dokku/bin" && pwd)"

standin_ssh() {
  local dest="$1" cmd="$2" root home user
  if [[ $# -ne 2 || -z "$cmd" ]]; then
    echo "standin-ssh: usage: standin-ssh.bash [user@]host COMMAND (GIT_SSH_VARIANT=simple)" >&2
    return 255
  fi
  user="${dest%@*}"
  [[ "$user" == "$dest" ]] && user="$(id -un)"
  root="${DOKKU_STANDIN_ROOT:-$(cat "$STANDIN_SSH_BIN/../.standin-root" 2>/dev/null || true)}"
  home="$root/home/dokku"
  if [[ -z "$root" || ! -f "$home/.sshcommand" ]]; then
    echo "standin-ssh: no Dokku stand-in root (run tests/dokku/setup, or set DOKKU_STANDIN_ROOT)" >&2
    return 255
  fi
  if [[ "$user" != "dokku" ]]; then
    echo "$user@${dest#*@}: Permission denied (publickey)." >&2
    return 255
  fi
  unset DOKKU_PID TMP TMPDIR TEMP TEMPDIR
  export DOKKU_STANDIN_ROOT="$root" HOME="$home" USER=dokku LOGNAME=dokku SHELL=/bin/bash
  export PATH="$STANDIN_SSH_BIN:/usr/local/bin:/usr/bin:/bin:/usr/games"
  export SSH_ORIGINAL_COMMAND="$cmd" SSH_CLIENT="127.0.0.1 50000 22" SSH_CONNECTION="127.0.0.1 50000 127.0.0.1 22"
  # the forced command, run by the login shell (word splitting of $SSH_ORIGINAL_COMMAND included)
  # shellcheck disable=SC2016 # expanded by that shell
  local forced='FINGERPRINT=SHA256:standin NAME="admin" $(cat "$HOME/.sshcommand") $SSH_ORIGINAL_COMMAND'
  if [[ "$(id -un)" != "dokku" && "$EUID" -eq 0 && "$(stat -c %U "$home")" == "dokku" ]]; then
    exec setpriv --reuid=dokku --regid=dokku --init-groups bash -c "$forced"
  fi
  exec bash -c "$forced"
}

standin_ssh "$@"
