#!/usr/bin/env bash
# The package's test, as CI runs it (`make deb-test`, root): build the .deb, install it with
# apt-get (its Depends must resolve from the archive), start the installed command as an
# ordinary user with a throwaway HOME (first run seeds the demo city), change a setting,
# install a newer build over it, check the database and the setting are kept and the app
# still starts -- also on a database left at an older schema, which the start migrates --
# then purge the package and check it is gone while the user's data stays.
#
# Environment: DEB_VERSION (the first build's version; the second is DEB_VERSION.1),
# KEEP=1 keeps the throwaway HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PKG=command-center

T0=$(date +%s)
step_t=0
STEP=""
TIMINGS=()
fail() { echo "deb-test: FAILED at \"$STEP\": $*" >&2; exit 1; }
step() {
  end_step
  STEP=$1; step_t=$(date +%s.%N); echo "== $STEP"
}
end_step() {
  if [ -n "$STEP" ]; then
    local s; s=$(awk -v a="$step_t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    echo "   ($s s)"; TIMINGS+=("$(printf '%7s s  %s' "$s" "$STEP")")
  fi
  STEP=""
}

[ "$(id -u)" = 0 ] || { echo "deb-test: run as root (it installs and purges the package)" >&2; exit 1; }
command -v apt-get >/dev/null || { echo "deb-test: needs apt-get" >&2; exit 1; }
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "ok installed"; then
  echo "deb-test: $PKG is installed on this machine already; remove it first (apt-get purge $PKG)" >&2
  exit 1
fi

UPSTREAM=$(/usr/bin/python3.11 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
V1=${DEB_VERSION:-$UPSTREAM+$(git rev-list --count HEAD 2>/dev/null || echo 0).$(date -u +%Y%m%d%H%M%S)}
V2=$V1.1
dpkg --compare-versions "$V2" gt "$V1" || fail "$V2 does not sort above $V1"
ARCH=$(dpkg --print-architecture)
DEB1=dist/${PKG}_${V1}_${ARCH}.deb
DEB2=dist/${PKG}_${V2}_${ARCH}.deb

# The user: nobody, with a throwaway HOME, none of the caller's XDG or CC_ settings. The
# install in /opt is read-only to them, as on a workstation.
USER_HOME=$(mktemp -d /tmp/cc-deb-home.XXXXXX)
chown nobody:nogroup "$USER_HOME"
LOG=$USER_HOME/log
installed=false
cleanup() {
  local rc=$?
  end_step
  if $installed && [ "$rc" != 0 ]; then
    echo "deb-test: purging $PKG after the failure" >&2
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$PKG" >/dev/null 2>&1 || true
  fi
  if [ "${KEEP:-}" = 1 ] || [ "$rc" != 0 ]; then
    echo "deb-test: the user's HOME is kept in $USER_HOME"
  else
    rm -rf "$USER_HOME"
  fi
  exit "$rc"
}
trap cleanup EXIT

as_user() {
  setpriv --reuid=nobody --regid=nogroup --clear-groups \
    env -i -C "$USER_HOME" PATH=/usr/bin:/bin HOME="$USER_HOME" LANG=C.UTF-8 \
    QT_QPA_PLATFORM=offscreen "$@"
}
DATA=$USER_HOME/.local/share/command-center
CONFIG=$USER_HOME/.config/command-center/config.toml

apt_install() {  # apt_install DEB: install or upgrade from the file, Depends from the archive
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "./$1" >"$LOG.apt" 2>&1 \
    || { tail -n 30 "$LOG.apt" >&2; fail "apt-get install ./$1 failed"; }
}

check_png() {  # check_png FILE: a 1280x720 picture with many colours, not a blank window
  [ -s "$1" ] || fail "no screenshot at $1"
  /opt/command-center/bin/python - "$1" <<'PY' || fail "$1 is not a real picture of the window"
import sys
import cv2
import numpy as np
img = cv2.imread(sys.argv[1], cv2.IMREAD_COLOR)
assert img is not None, "unreadable PNG"
h, w = img.shape[:2]
assert (w, h) == (1280, 720), f"size {w}x{h}, not 1280x720"
flat = img.reshape(-1, 3)
colours, counts = np.unique(flat, axis=0, return_counts=True)
top = counts.max() / len(flat)
print(f"   {w}x{h}, {len(colours)} distinct colours, the commonest covers {top:.0%}")
assert len(colours) >= 500, "too few colours: a blank or half-drawn window"
assert top < 0.9, "one colour covers nearly everything"
PY
}

screenshot() {  # screenshot NAME
  as_user /usr/bin/command-center --screenshot "$USER_HOME/$1.png" --size 1280x720 \
    >"$LOG.$1" 2>&1 || { rc=$?; tail -n 30 "$LOG.$1" >&2; fail "command-center --screenshot exited $rc"; }
  check_png "$USER_HOME/$1.png"
}

stats() {  # the user's database, rows per table and cases per state
  as_user /usr/bin/command-center db stats
}

step "build $V1 (make deb)"
DEB_VERSION=$V1 bash packaging/build_deb.sh >"$LOG.build" 2>&1 \
  || { tail -n 30 "$LOG.build" >&2; fail "build_deb.sh failed"; }
[ -f "$DEB1" ] || fail "the build made no $DEB1"
echo "   $(du -h "$DEB1" | cut -f1)  $DEB1"

step "the Depends are in the archive"
if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
  apt-get update -qq || fail "apt-get update failed"
fi
depends=$(dpkg-deb -f "$DEB1" Depends)
IFS=',' read -ra groups <<<"$depends"
names=$(printf '%s\n' "$depends" | tr ',|' '\n\n' | sed -e 's/(.*)//' -e 's/[[:space:]]//g' | grep -v '^$')
# one look-up for all: the names the archive (or this machine) has a version of
known=$(apt-cache show --no-all-versions $names 2>/dev/null | awk '/^Package:/ { print $2 }' | sort -u || true)
missing=""
for group in "${groups[@]}"; do
  found=false
  IFS='|' read -ra alternatives <<<"$group"
  for alt in "${alternatives[@]}"; do
    name=$(echo "$alt" | sed -e 's/(.*)//' -e 's/[[:space:]]//g')
    if printf '%s\n' "$known" | grep -qx "$name"; then found=true; break; fi
  done
  $found || missing="$missing [${group# }]"
done
[ -z "$missing" ] || fail "no package in the archive for:$missing"
echo "   ${#groups[@]} dependencies, each found"

step "apt-get install ./$DEB1"
installed=true
apt_install "$DEB1"
[ -x /usr/bin/command-center ] || fail "/usr/bin/command-center is missing"
[ -x /opt/command-center/bin/python ] || fail "/opt/command-center/bin/python is missing"
[ "$(readlink -f /opt/command-center/bin/python)" = "$(readlink -f /usr/bin/python3.11)" ] \
  || fail "the venv's python is not Debian's python3.11"
desktop-file-validate /usr/share/applications/command-center.desktop \
  || fail "the installed desktop entry does not validate"
for icon in scalable/apps/command-center.svg 256x256/apps/command-center.png; do
  [ -s "/usr/share/icons/hicolor/$icon" ] || fail "no icon $icon"
done
if grep -rqs --binary-files=text "$REPO/build" /opt/command-center/bin /opt/command-center/pyvenv.cfg; then
  fail "the installed venv still names the build folder"
fi

step "first start: seeds the demo city, screenshot"
screenshot first
[ -f "$DATA/command-center.db" ] || fail "no database in $DATA"
[ -f "$CONFIG" ] || fail "no settings file $CONFIG"

step "db stats, change a setting"
stats >"$USER_HOME/stats1" || fail "db stats failed"
cases1=$(awk '$1 == "cases" && NF == 2 { print $2 }' "$USER_HOME/stats1")
[ -n "$cases1" ] && [ "$cases1" != 0 ] || fail "no cases in the seeded database"
grep -q '^layout = "2x2"' "$CONFIG" || fail "$CONFIG has no [video] layout = \"2x2\""
sed -i 's/^layout = "2x2"/layout = "3x3"/' "$CONFIG"
echo '# kept across upgrades' >>"$CONFIG"
config_sum=$(sha256sum <"$CONFIG")
echo "   $cases1 cases; [video] layout = \"3x3\""

step "build $V2 (re-pack)"
DEB_VERSION=$V2 bash packaging/build_deb.sh --repack >"$LOG.build2" 2>&1 \
  || { tail -n 30 "$LOG.build2" >&2; fail "build_deb.sh --repack failed"; }
[ -f "$DEB2" ] || fail "the build made no $DEB2"

step "apt-get install ./$DEB2 (upgrade)"
apt_install "$DEB2"
now=$(dpkg-query -W -f='${Version}' "$PKG")
[ "$now" = "$V2" ] || fail "installed version is $now, not $V2"
grep -q "Unpacking $PKG ($V2) over ($V1)" "$LOG.apt" || fail "apt-get did not upgrade $V1 to $V2"

step "the database and the setting are kept"
stats >"$USER_HOME/stats2" || fail "db stats failed after the upgrade"
diff -u "$USER_HOME/stats1" "$USER_HOME/stats2" || fail "db stats changed across the upgrade"
[ "$(sha256sum <"$CONFIG")" = "$config_sum" ] || fail "$CONFIG changed across the upgrade"
as_user /opt/command-center/bin/python -c '
from command_center.config import load_settings
s = load_settings()
assert s.video.layout == "3x3", s.video.layout
' || fail "the app does not read the changed setting"

step "a database at an older schema: db stats refuses, the start migrates it"
as_user /opt/command-center/bin/python -c '
# A plain engine: the app'"'"'s turns SQLite'"'"'s foreign keys on, and with them on the newest
# downgrade cannot rebuild the cases table (FOREIGN KEY constraint failed).
from alembic import command
from sqlalchemy import create_engine
from command_center.config import default_db_url
from command_center.store import migrate
engine = create_engine(default_db_url())
cfg = migrate.alembic_config(engine)
with engine.begin() as con:
    cfg.attributes["connection"] = con
    command.downgrade(cfg, "-1")
print("   schema now at", migrate.current_revision(engine), "of", migrate.head_revision())
' || fail "could not step the database back one revision"
if as_user /usr/bin/command-center db stats >"$LOG.oldstats" 2>&1; then
  echo "   db stats reads the older schema"
else
  echo "   db stats refuses it: $(tail -n 1 "$LOG.oldstats")"
fi

step "start after the upgrade: migrates, screenshot"
screenshot second
stats >"$USER_HOME/stats3" || fail "db stats failed after the start migrated the database"
cases3=$(awk '$1 == "cases" && NF == 2 { print $2 }' "$USER_HOME/stats3")
[ "$cases3" = "$cases1" ] || fail "cases: $cases1 before, $cases3 after the migration"
echo "   schema current again, $cases3 cases"

step "apt-get purge $PKG"
DEBIAN_FRONTEND=noninteractive apt-get purge -y "$PKG" >"$LOG.purge" 2>&1 \
  || { tail -n 20 "$LOG.purge" >&2; fail "apt-get purge failed"; }
installed=false
for gone in /opt/command-center /usr/bin/command-center /usr/share/applications/command-center.desktop \
  /usr/share/icons/hicolor/scalable/apps/command-center.svg; do
  [ ! -e "$gone" ] || fail "$gone is still there after the purge"
done
[ -f "$DATA/command-center.db" ] || fail "the purge took the user's database"
[ "$(sha256sum <"$CONFIG")" = "$config_sum" ] || fail "the purge changed the user's settings"
echo "   package gone; $DATA and $CONFIG kept"
end_step

echo "deb-test: passed in $(( $(date +%s) - T0 )) s ($(du -h "$DEB1" | cut -f1) .deb)"
printf '%s\n' "${TIMINGS[@]}"
