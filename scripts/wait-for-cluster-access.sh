#!/usr/bin/env bash
# Run by the program (components/cluster.ts, `<region>-api-access`) before any Kubernetes call to a cluster:
# waits until the identity running `pulumi up` may use the cluster's API, i.e. its "Azure Kubernetes Service
# RBAC Cluster Admin" assignment has propagated ("it can take up to 10 minutes for changes to take effect",
# Azure RBAC troubleshooting). Bounded by ACCESS_TIMEOUT_SECONDS; each probe by --request-timeout.
#
#   stdin                   the cluster's kubeconfig (kubelogin exec user); written to a 0600 temp file
#   CLUSTER                 the cluster's name, for messages
#   ACCESS_TIMEOUT_SECONDS  give up after this long (default 900)
#   ACCESS_POLL_SECONDS     pause between probes (default 15)
# Needs kubectl and kubelogin on PATH (README, prerequisites).
set -euo pipefail

cluster=${CLUSTER:-cluster}
timeout=${ACCESS_TIMEOUT_SECONDS:-900}
poll=${ACCESS_POLL_SECONDS:-15}

for tool in kubectl kubelogin; do
  command -v "$tool" >/dev/null 2>&1 || { echo "wait-for-cluster-access: $tool is not on PATH (README, prerequisites)" >&2; exit 1; }
done

kubeconfig=$(mktemp)
trap 'rm -f "$kubeconfig" "$kubeconfig.err"' EXIT
chmod 600 "$kubeconfig"
cat > "$kubeconfig"
grep -q '[^[:space:]]' "$kubeconfig" || { echo "wait-for-cluster-access: $cluster: no kubeconfig on stdin" >&2; exit 1; }

deadline=$(( $(date +%s) + timeout ))
attempt=0
while :; do
  attempt=$((attempt + 1))
  # `auth can-i` asks the API server (SelfSubjectAccessReview, which Azure RBAC's authorizer answers):
  # exit 0 and "yes" once the role is in effect.
  # stdout only: client-go warnings and kubelogin notices go to stderr and must not spoil the "yes".
  if answer=$(kubectl --kubeconfig "$kubeconfig" --request-timeout=20s auth can-i create namespaces 2>"$kubeconfig.err") && [ "$answer" = yes ]; then
    echo "wait-for-cluster-access: $cluster: API access granted after $attempt probe(s)"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "wait-for-cluster-access: $cluster: the deploying identity still cannot create namespaces after ${timeout}s ($attempt probes); last answer: ${answer:0:200} $(head -c 300 "$kubeconfig.err" 2>/dev/null)" >&2
    exit 1
  fi
  sleep "$poll"
done
