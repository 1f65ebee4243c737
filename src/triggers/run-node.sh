#!/bin/sh
# Every Node trigger's root entry (a symlink named after the trigger). It decides in plain sh whether the call concerns
# this plugin at all, so deploys of apps that never use it cost one sh start and never need Node (PRODUCT.md §5, issue 6).
[ -n "$DOKKU_TRACE" ] && set -x
name=${0##*/}
root="${DOKKU_LIB_ROOT:-/var/lib/dokku}"
config="$root/config/network-host"
case "$name" in
  docker-args-process-*) [ -f "$config/$1/mode" ] || [ -f "$config/--global/mode" ] || exit 0 ;;
  post-container-create) [ "$4" = deploy ] && [ "$5" = web ] && { [ -f "$config/$3/mode" ] || [ -f "$config/--global/mode" ]; } || exit 0 ;;
  scheduler-register-retired) [ -d "$root/data/network-host/$1" ] || exit 0 ;;
  post-delete | post-app-clone-setup | post-app-rename-setup) [ -d "$config/$1" ] || exit 0 ;;
  post-create) [ -f "$config/--global/apply" ] || exit 0 ;;
  uninstall) [ "$1" = network-host ] || exit 0 ;;
esac
exec node "${0%/*}/triggers/$name" "$@"
