#!/usr/bin/env bash
# github-oidc-refresher: keeps a GitHub Actions OIDC token in a file, fresh, for the whole job, so that kubelogin's
# workloadidentity mode (AZURE_FEDERATED_TOKEN_FILE) can get Entra ID tokens for as long as `pulumi up` runs.
#
#   github-oidc-refresher.sh start <token-file> [lifetime-seconds]   fetch once now, then refresh in the background
#   github-oidc-refresher.sh stop  <token-file>                      stop the background refresher
#
# Why: GitHub's OIDC token "expires in ~5–10 minutes and cannot be refreshed" (Azure/azure-cli PR #33989), so an
# `az login` made from it (kubelogin's azurecli mode) stops working minutes into a deployment, before AKS has even
# created a cluster. kubelogin's workloadidentity mode reads AZURE_FEDERATED_TOKEN_FILE whenever it needs a new
# Entra ID token (Azure/kubelogin docs, login modes: workloadidentity), so a file rewritten every few minutes
# keeps every later call authenticated. Token request: GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=… with
# "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" (GitHub OIDC docs); needs `permissions: id-token: write`.
#
# Knobs: OIDC_AUDIENCE (api://AzureADTokenExchange), OIDC_REFRESH_SECONDS (240). The refresher stops by itself after
# its lifetime (default 7200 s, a job's timeout), and on `stop`. Needs curl and jq.
set -euo pipefail

command=${1:-}
file=${2:-}
lifetime=${3:-7200}
audience=${OIDC_AUDIENCE:-api://AzureADTokenExchange}
interval=${OIDC_REFRESH_SECONDS:-240}
die() { echo "github-oidc-refresher: $*" >&2; exit 1; }
[ -n "$file" ] || die "usage: github-oidc-refresher.sh start|stop <token-file> [lifetime-seconds]"

fetch() {
  local body token
  # A few quick tries: one dropped request must not fail the job or leave a stale token for a whole interval.
  body=$(curl -fsS --max-time 30 --retry 3 --retry-delay 2 --retry-all-errors -H "Authorization: bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}" \
    "${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${audience}") || return 1
  token=$(jq -er .value <<<"$body") || return 1
  # Replace atomically: a reader never sees a half-written token.
  (umask 077 && printf '%s' "$token" > "$file.tmp") && mv -f "$file.tmp" "$file"
}

case "$command" in
  start)
    [ -n "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] && [ -n "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" ] ||
      die "ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN are not set: the job needs 'permissions: id-token: write'"
    fetch || die "could not get an OIDC token from GitHub"
    deadline=$(( $(date +%s) + lifetime ))
    (
      trap 'exit 0' TERM
      while [ "$(date +%s)" -lt "$deadline" ]; do
        sleep "$interval" & wait $!
        fetch || echo "github-oidc-refresher: refresh failed; the previous token stays until the next try" >&2
      done
    ) </dev/null >>"$file.log" 2>&1 &
    echo $! > "$file.pid"
    echo "github-oidc-refresher: token in $file, refreshed every ${interval}s for ${lifetime}s (pid $(cat "$file.pid"))"
    ;;
  stop)
    if [ -f "$file.pid" ]; then
      kill "$(cat "$file.pid")" 2>/dev/null || true
      rm -f "$file.pid"
    fi
    # What the background refresher reported (failed refreshes) goes into the job log before it is removed.
    if [ -s "$file.log" ]; then cat "$file.log" >&2; fi
    rm -f "$file" "$file.tmp" "$file.log"
    ;;
  *) die "usage: github-oidc-refresher.sh start|stop <token-file> [lifetime-seconds]" ;;
esac
