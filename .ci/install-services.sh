#!/usr/bin/env bash
# Builds the real external services the suite's own tests start locally, pinned:
#   Mailpit  (SMTP + REST API mail catcher)         github.com/axllent/mailpit
#   versitygw (S3-compatible server, posix backend) github.com/versity/versitygw/cmd/versitygw
# with `go install` from the Go module proxy into a cache dir outside the clone:
#   ${ASTER_TOOLS_DIR:-$HOME/.cache/aster-launch-tools}/bin
# A version stamp next to each binary makes a warm machine skip the build.
# Needs Go >= 1.26 (PATH or /usr/local/go/bin) and the Go module proxy.
#
# Usage: bash .ci/install-services.sh [--force]
# Prints, on stdout, the lines `MAILPIT_BIN=...` and `S3_SERVER_BIN=...`.
set -euo pipefail

MAILPIT_MODULE=github.com/axllent/mailpit
MAILPIT_VERSION=v1.33.1
VERSITYGW_MODULE=github.com/versity/versitygw
VERSITYGW_PKG=github.com/versity/versitygw/cmd/versitygw
VERSITYGW_VERSION=v1.8.0

FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

TOOLS_DIR="${ASTER_TOOLS_DIR:-$HOME/.cache/aster-launch-tools}"
BIN_DIR="$TOOLS_DIR/bin"
mkdir -p "$BIN_DIR"

log() { printf '[install-services] %s\n' "$*" >&2; }
count() { local n; n=$(grep -c "$@" 2>/dev/null || true); echo "${n:-0}"; } # matching lines, 0 when none or no file

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  if [[ -x /usr/local/go/bin/go ]]; then echo /usr/local/go/bin/go; return; fi
  return 1
}

# stamp content: what was built, and with which Go (a Go upgrade rebuilds)
stamp_for() { # name module version
  printf '%s@%s %s\n' "$2" "$3" "${GO_VERSION:-unknown}"
}

is_current() { # name module version
  local name=$1 bin="$BIN_DIR/$1" stamp="$BIN_DIR/.$1.version"
  [[ $FORCE -eq 0 && -x "$bin" && -f "$stamp" ]] || return 1
  # compare only module@version: a newer Go alone doesn't force a rebuild
  [[ "$(cut -d' ' -f1 "$stamp")" == "$2@$3" ]]
}

build() { # name module version package ldflags
  local name=$1 module=$2 version=$3 pkg=$4 ldflags=$5
  if is_current "$name" "$module" "$version"; then
    log "$name $version already installed ($BIN_DIR/$name), skipping build"
    return
  fi
  [[ -n "${GO:-}" ]] || {
    log "ERROR: Go not found (PATH, /usr/local/go/bin). Install Go >= 1.26 from https://go.dev/dl/ to build $name."
    exit 1
  }
  local tmp start end
  tmp=$(mktemp -d "$TOOLS_DIR/.build-$name.XXXXXX")
  start=$(date +%s)
  log "building $name $version with $GO_VERSION (go install $pkg@$version; a few minutes on a cold Go cache) ..."
  # `go install` says little while it compiles: its -v list of packages goes to a log, and a
  # progress line every 15 s says how far it got.
  local work ticker
  work=$(mktemp -d "$TOOLS_DIR/.work-$name.XXXXXX")
  (
    while sleep 15 && kill -0 $$ 2>/dev/null; do
      log "  still building $name: $(($(date +%s) - start))s, $(count -v '^go: ' "$work/build.log") packages compiled, $(count '^go: downloading' "$work/build.log") modules downloaded"
    done
  ) &
  ticker=$!
  if ! GOBIN="$tmp" GOFLAGS="-trimpath" CGO_ENABLED=0 \
      "$GO" install -v -ldflags "-s -w $ldflags" "$pkg@$version" 2>"$work/build.log"; then
    kill "$ticker" 2>/dev/null || true
    tail -n 40 "$work/build.log" >&2
    rm -rf "$tmp" "$work"
    log "ERROR: go install $pkg@$version failed (its last output is above)"
    exit 1
  fi
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  log "  $name: $(count -v '^go: ' "$work/build.log") packages compiled (the rest came from the Go build cache)"
  rm -rf "$work"
  mv -f "$tmp/$name" "$BIN_DIR/$name"      # atomic replace on the same filesystem
  rm -rf "$tmp"
  stamp_for "$name" "$module" "$version" >"$BIN_DIR/.$name.version"
  end=$(date +%s)
  log "$name $version built in $((end - start))s -> $BIN_DIR/$name"
}

GO=$(find_go || true)
GO_VERSION=""
[[ -n "$GO" ]] && GO_VERSION=$("$GO" env GOVERSION)

# One build at a time per tools dir (parallel CI jobs on one machine).
exec 9>"$TOOLS_DIR/.install.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

build mailpit "$MAILPIT_MODULE" "$MAILPIT_VERSION" "$MAILPIT_MODULE" \
  "-X github.com/axllent/mailpit/config.Version=$MAILPIT_VERSION"
build versitygw "$VERSITYGW_MODULE" "$VERSITYGW_VERSION" "$VERSITYGW_PKG" \
  "-X main.Version=$VERSITYGW_VERSION -X main.Build=go-install -X main.BuildTime=$VERSITYGW_VERSION"

# smoke: the binaries run
"$BIN_DIR/mailpit" version --no-release-check >/dev/null 2>&1 || "$BIN_DIR/mailpit" --help >/dev/null 2>&1 || {
  log "ERROR: $BIN_DIR/mailpit does not run"; exit 1; }
"$BIN_DIR/versitygw" --version >/dev/null 2>&1 || { log "ERROR: $BIN_DIR/versitygw does not run"; exit 1; }

echo "MAILPIT_BIN=$BIN_DIR/mailpit"
echo "S3_SERVER_BIN=$BIN_DIR/versitygw"
