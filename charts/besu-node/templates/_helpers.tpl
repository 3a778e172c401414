{{/* Release-scoped name prefix (DNS label safe). */}}
{{- define "besu-node.fullname" -}}
{{- .Release.Name | trunc 30 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of a node's objects: <release>-<node name>. */}}
{{- define "besu-node.nodeName" -}}
{{- printf "%s-%s" (include "besu-node.fullname" .root) .node.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels common to every object. */}}
{{- define "besu-node.labels" -}}
app.kubernetes.io/name: besu-node
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: chain138
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of the release. */}}
{{- define "besu-node.selectorLabels" -}}
app.kubernetes.io/name: besu-node
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of one role: ctx = dict root role. */}}
{{- define "besu-node.roleSelectorLabels" -}}
{{ include "besu-node.selectorLabels" .root }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{/* Selector labels of one node: ctx = dict root node role. */}}
{{- define "besu-node.nodeSelectorLabels" -}}
{{ include "besu-node.roleSelectorLabels" . }}
chain138.io/node: {{ .node.name }}
{{- end -}}

{{/* Name of the sentry RPC Service. */}}
{{- define "besu-node.rpcServiceName" -}}
{{- printf "%s-rpc" (include "besu-node.fullname" .) -}}
{{- end -}}

{{/* Mount points inside the container. */}}
{{- /* A node's P2P port: its own (own clusters' NodePorts: node i on firstPort + i) or the fleet's. Besu advertises
--p2p-port and peers' allowlists match on it, so the node listens on the port it is reached on. */}}
{{- define "besu-node.p2pPort" -}}
{{- .node.p2pPort | default .root.Values.p2p.port -}}
{{- end -}}

{{- define "besu-node.paths" -}}
data: /data
genesis: /etc/besu/genesis/genesis.json
key: /etc/besu/keys/key
config: /etc/besu/config/config.toml
staticNodes: /etc/besu/config/static-nodes.json
permissions: /etc/besu/permissions/permissions_config.toml
{{- end -}}

{{/* TOML string array: list → ["A","B"]. */}}
{{- define "besu-node.tomlList" -}}
[{{- range $i, $v := . -}}{{- if $i -}},{{- end -}}{{ $v | toString | quote }}{{- end -}}]
{{- end -}}

{{/*
Host header allowlist of JSON-RPC and metrics (Besu applies --host-allowlist to both), comma-separated for
the BESU_HOST_ALLOWLIST env var: localhost, the pod's own IP (kubelet probes and Prometheus connect by pod
IP; "$(POD_IP)" is expanded by the kubelet), the RPC Service names, then extras. Never "*".
*/}}
{{- define "besu-node.hostAllowlist" -}}
{{- $svc := include "besu-node.rpcServiceName" . -}}
{{- $ns := .Release.Namespace -}}
{{- $hosts := list "localhost" "127.0.0.1" "$(POD_IP)" $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) -}}
{{- /* Clients of the internal load balancer send its IP as Host ("10.x.16.4:8545"); Besu drops the port before
matching (HostAllowListHandler.getAndValidateHostHeader: authority → HostAndPort::host). */ -}}
{{- $ilb := .Values.rpc.internalLoadBalancer -}}
{{- $private := ternary (list $ilb.ip) (list) (and $ilb.enabled (ne $ilb.ip "")) -}}
{{- join "," (concat $hosts $private .Values.rpc.extraHostAllowlist) -}}
{{- end -}}

{{/* config.toml of one node: ctx = dict root node role. Every key is a Besu CLI option name. */}}
{{- define "besu-node.configToml" -}}
{{- $v := .root.Values -}}
{{- $p := include "besu-node.paths" . | fromYaml -}}
# Besu config for {{ .node.name }} ({{ .role }}), rendered by the besu-node chart.
data-path={{ $p.data | quote }}
genesis-file={{ $p.genesis | quote }}
node-private-key-file={{ $p.key | quote }}
sync-mode={{ $v.besu.syncMode | quote }}
data-storage-format={{ $v.besu.dataStorageFormat | quote }}
logging={{ $v.besu.logging | quote }}

# P2P: fixed peers only, advertised on the node's static public IP.
p2p-enabled=true
p2p-host={{ .node.publicIp | quote }}
p2p-interface="0.0.0.0"
p2p-port={{ .node.p2pPort | default $v.p2p.port }}
nat-method="NONE"
discovery-enabled=false
static-nodes-file={{ $p.staticNodes | quote }}
max-peers={{ $v.besu.maxPeers }}
permissions-nodes-config-file-enabled=true
permissions-nodes-config-file={{ $p.permissions | quote }}

# Fee policy (values besu.minGasPriceWei): block building and the pool take the same minimum
# (Besu refuses tx-pool-min-gas-price above min-gas-price).
min-gas-price={{ $v.besu.minGasPriceWei | int64 }}
tx-pool-min-gas-price={{ $v.besu.minGasPriceWei | int64 }}
# JSON-RPC over HTTP (also serves /liveness and /readiness for the probes).
rpc-http-enabled=true
rpc-http-host="0.0.0.0"
rpc-http-port={{ $v.rpc.httpPort }}
rpc-http-api={{ include "besu-node.tomlList" (ternary $v.rpc.validatorApis $v.rpc.sentryApis (eq .role "validator")) }}
# host-allowlist comes from the BESU_HOST_ALLOWLIST env var: it must contain the pod IP.
{{- with $v.rpc.corsOrigins }}
rpc-http-cors-origins={{ include "besu-node.tomlList" . }}
{{- end }}
{{- if and (eq .role "sentry") $v.rpc.wsEnabled }}
rpc-ws-enabled=true
rpc-ws-host="0.0.0.0"
rpc-ws-port={{ $v.rpc.wsPort }}
rpc-ws-api={{ include "besu-node.tomlList" $v.rpc.sentryApis }}
{{- end }}

# Prometheus metrics.
metrics-enabled={{ $v.metrics.enabled }}
{{- if $v.metrics.enabled }}
metrics-host="0.0.0.0"
metrics-port={{ $v.metrics.port }}
{{- end }}
{{- end -}}

{{/* Metadata labels of a node's objects: ctx = dict root node role. */}}
{{- define "besu-node.nodeLabels" -}}
{{ include "besu-node.labels" .root }}
app.kubernetes.io/component: {{ .role }}
chain138.io/node: {{ .node.name }}
{{- end -}}

{{/* Cross-field checks JSON Schema cannot express; fails rendering with the culprit named. */}}
{{- define "besu-node.validate" -}}
{{- $names := list -}}
{{- range $n := concat .Values.validators .Values.sentries -}}
{{- if has $n.name $names -}}
{{- fail (printf "besu-node: node name %q appears twice in validators/sentries" $n.name) -}}
{{- end -}}
{{- $names = append $names $n.name -}}
{{- end -}}
{{- if not $names -}}
{{- fail "besu-node: validators and sentries are both empty; nothing to deploy" -}}
{{- end -}}
{{- range $n := concat .Values.validators .Values.sentries -}}
{{- $self := printf "@%s:%v" $n.publicIp ($n.p2pPort | default $.Values.p2p.port) -}}
{{- range $e := $n.staticNodes -}}
{{- if hasSuffix $self $e -}}
{{- fail (printf "besu-node: %s lists its own endpoint %s in staticNodes" $n.name $self) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
nginx.conf of the public JSON-RPC gateway: ctx = dict root hosts upstream upstreamHost tlsDir publicTlsDir listen.
Only `POST /` (JSON-RPC) and `OPTIONS /` (CORS preflight, answered by Besu's rpc-http-cors-origins) pass, for the
listed Host names only; per-client rate limit and body cap; Besu sees the Service name as Host (in its allowlist).
The first server answers every TLS client with the stack CA's certificate for the public IP; with `publicTlsDir`, a
second one answers clients that ask for one of `serverNames` by SNI with the operator's publicly trusted certificate.
*/}}
{{- define "besu-node.gatewayConf" -}}
{{- $gw := .root.Values.rpc.gateway -}}
worker_processes 1;
pid /tmp/nginx.pid;
error_log /dev/stderr warn;
events {
  worker_connections 1024;
}
http {
  access_log off;
  server_tokens off;
  client_body_temp_path /tmp/client_body;
  proxy_temp_path /tmp/proxy;
  fastcgi_temp_path /tmp/fastcgi;
  uwsgi_temp_path /tmp/uwsgi;
  scgi_temp_path /tmp/scgi;
  limit_req_zone $binary_remote_addr zone=rpc:10m rate={{ $gw.rateLimitPerSecond }}r/s;
  limit_req_status 429;
  map $host $rpc_host_allowed {
    default 0;
    {{- range .hosts }}
    {{ . | quote }} 1;
    {{- end }}
  }
  upstream besu {
    server {{ .upstream }};
    keepalive 16;
  }
  server {
    listen {{ .listen }} ssl default_server;
    ssl_certificate {{ .tlsDir }}/tls.crt;
    ssl_certificate_key {{ .tlsDir }}/tls.key;
    {{- include "besu-node.gatewayServer" . | nindent 4 }}
  }
  {{- if .publicTlsDir }}
  server {
    listen {{ .listen }} ssl;
    server_name {{ join " " $gw.serverNames }};
    ssl_certificate {{ .publicTlsDir }}/tls.crt;
    ssl_certificate_key {{ .publicTlsDir }}/tls.key;
    {{- include "besu-node.gatewayServer" . | nindent 4 }}
  }
  {{- end }}
}
{{- end -}}

{{/* The locations of a gateway server block (both certificates serve the same API). */}}
{{- define "besu-node.gatewayServer" -}}
{{- $gw := .root.Values.rpc.gateway -}}
ssl_protocols TLSv1.2 TLSv1.3;
client_max_body_size {{ $gw.maxBodySize }};
location = /healthz {
  return 200 "ok\n";
}
location = / {
  if ($rpc_host_allowed = 0) {
    return 421;
  }
  limit_except POST OPTIONS {
    deny all;
  }
  limit_req zone=rpc burst={{ $gw.rateLimitBurst }} nodelay;
  proxy_pass http://besu;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host {{ .upstreamHost }};
  proxy_set_header X-Forwarded-For $remote_addr;
  proxy_read_timeout 60s;
}
location / {
  return 404;
}
{{- end -}}
