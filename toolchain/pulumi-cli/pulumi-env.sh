# shellcheck shell=bash
# Source this file (bash/zsh):  . toolchain/pulumi-cli/pulumi-env.sh
# Sets up the environment to run the Pulumi CLI for this repo without Pulumi Cloud:
#   - puts the pulumi built/located by ensure-pulumi (next to this file) first on PATH (builds it on first use),
#   - a local file state backend, and
#   - no update checks and no plugin downloads (nothing outside our registries is reachable).
# Every value that is already set in the environment is kept.
#
# PULUMI_CONFIG_PASSPHRASE defaults to "chain138-dev": a DOCUMENTED, NON-SECRET passphrase for
# local development stacks only. Anything real must set its own passphrase (or a secrets
# provider) before sourcing this file.

_chain138_env_src="${BASH_SOURCE[0]:-$0}"   # this file (bash; zsh sets $0 when sourcing)

chain138_pulumi_env() {
  local here state out bindir
  here=$(cd "$(dirname "$_chain138_env_src")" && pwd) || return 1

  state="${CHAIN138_STATE_DIR:-$HOME/.chain138/state}"
  if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
    mkdir -p "$state" || return 1
    # metadata=skip: no fileblob .attrs sidecars, which are written in place and left empty by a killed update
    # (see fileBackendUrl in ops/shared/pulumi-workspace.ts)
    export PULUMI_BACKEND_URL="file://$state?metadata=skip"
  fi
  if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
    export PULUMI_CONFIG_PASSPHRASE=chain138-dev
  fi
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

  out=$("$here/ensure-pulumi") || return 1
  bindir=${out##*$'\n'}                  # its last stdout line
  [ -d "$bindir" ] || return 1
  case ":$PATH:" in
    ":$bindir:"*) ;;                       # already first
    *) export PATH="$bindir:$PATH" ;;
  esac
}

chain138_pulumi_env || echo "pulumi-env.sh: setting up pulumi failed (see messages above)" >&2
unset -f chain138_pulumi_env
unset _chain138_env_src
