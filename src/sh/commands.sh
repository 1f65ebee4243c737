#!/bin/sh
# network-host's root `commands`. Dokku runs every plugin's `commands` for `dokku help` and for every command no
# subcommand answers — `git-hook` and `git-receive-pack` on each git push of every app, in the dokku script's
# catch-all loop, where any exit code but 10 aborts the push — so this is plain sh and never starts Node.
# Generated from src/sh/commands.sh by build.mjs (the help text comes from src/lib/help.ts): edit those files.
[ -n "$DOKKU_TRACE" ] && set -x

case "$1" in
  help)
    # Dokku's help-functions tell `help --all` apart by the parent's command line.
    case " $(tr '\0' ' ' <"/proc/$PPID/cmdline" 2>/dev/null) " in
      *' --all '*) printf '%s\n' @ALL_LINES@ ;;
      *) printf '%s\n' @SUMMARY_LINE@ ;;
    esac
    ;;
  network-host | network-host:help)
    printf '%s' @USAGE@
    ;;
  *)
    exit "${DOKKU_NOT_IMPLEMENTED_EXIT:-10}"
    ;;
esac
