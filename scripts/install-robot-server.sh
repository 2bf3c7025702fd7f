#!/usr/bin/env bash
# One command to make this machine Elvie's robot server: set up the checkout (packages, virtualenv,
# speech model), train the dialogue model, check the settings and content, and install and start
# the systemd service `elvie` (deploy/elvie.service: restarts after a crash, stops the whole
# control group). Run from the checkout that should serve:
#
#   sudo scripts/install-robot-server.sh            # as the checkout's owner; or --user NAME
#   scripts/install-robot-server.sh --print         # only show the unit it would install
#
# Afterwards: `systemctl status elvie`, `journalctl -u elvie`, `sudo systemctl reload elvie` (a new
# tablet key). Settings: elvie.yml; secrets: .env (mode 0600). See docs/security.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd)"
UNIT_NAME="elvie.service"
UNIT_DIR="${ELVIE_UNIT_DIR:-/etc/systemd/system}"
RUN_USER="$(stat -c %U "$ROOT")"
PRINT_ONLY=0

say() { printf '[install] %s\n' "$*"; }
die() { printf '[install] ERROR: %s\n' "$*" >&2; exit 1; }

while (($#)); do
  case "$1" in
    --user) RUN_USER="${2:?--user needs a name}"; shift 2 ;;
    --print) PRINT_ONLY=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

case "$RUN_USER" in
  root) die "Elvie does not run as root: give the checkout to a service account (or pass --user NAME)" ;;
esac
id "$RUN_USER" >/dev/null 2>&1 || die "no user '$RUN_USER' on this machine (create it, or pass --user NAME)"

unit() {
  sed -e "s|@ROOT@|$ROOT|g" -e "s|@USER@|$RUN_USER|g" "$ROOT/deploy/elvie.service"
}

if ((PRINT_ONLY)); then
  unit
  exit 0
fi

[ "$(id -u)" = "0" ] || die "installing a system service needs root: sudo $0 $*"
command -v systemctl >/dev/null 2>&1 || die "systemd (systemctl) not found; run '.venv/bin/elvie run' under your own service manager"

as_user() { runuser -u "$RUN_USER" -- "$@"; }

say "setting up the checkout as $RUN_USER (packages, virtualenv, speech model)"
scripts/bootstrap.sh  # as root: installs missing Debian packages; the rest is idempotent
chown -R "$RUN_USER" "$ROOT/.venv" "$ROOT/models" 2>/dev/null || true
mkdir -p "$ROOT/var" && chown "$RUN_USER" "$ROOT/var" && chmod 0700 "$ROOT/var"
if [ -f "$ROOT/.env" ]; then
  chown "$RUN_USER" "$ROOT/.env" && chmod 0600 "$ROOT/.env"
fi
say "training the dialogue model if its inputs changed"
as_user "$ROOT/.venv/bin/elvie" train
say "checking content and settings"
as_user "$ROOT/.venv/bin/elvie" check || die "fix the problems above, then run this again"

say "installing $UNIT_DIR/$UNIT_NAME"
unit > "$UNIT_DIR/$UNIT_NAME.tmp"
mv "$UNIT_DIR/$UNIT_NAME.tmp" "$UNIT_DIR/$UNIT_NAME"
chmod 0644 "$UNIT_DIR/$UNIT_NAME"
systemctl daemon-reload
systemctl enable "$UNIT_NAME" >/dev/null
systemctl restart "$UNIT_NAME"
say "started: systemctl status elvie   logs: journalctl -u elvie and $ROOT/var/log/"
