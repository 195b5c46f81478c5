#!/usr/bin/env bash
# Build the Debian package of the command centre: dist/command-center_<version>_<arch>.deb.
#
#   packaging/build_deb.sh            stage a fresh tree under build/deb/ and pack it
#   packaging/build_deb.sh --repack   pack the tree staged last time again (new version only)
#
# The package carries its own Python environment in /opt/command-center: a venv made from
# Debian's /usr/bin/python3.11 (never a pyenv or other private build), with the project and
# its dependencies installed from wheels, non-editable. /usr/bin/command-center starts it;
# a desktop entry and an icon make it a menu item. Depends: are Debian's python3.11, a CJK
# font, ffmpeg, and the packages owning the system libraries Qt's xcb plugin links against,
# as `python -m command_center.qtdeps depends` derives them on this machine.
#
# Environment:
#   DEB_VERSION   the package version (default: <pyproject version>+<commit count>.<UTC time>)
#   DEB_PYTHON    the interpreter the venv is made from (default /usr/bin/python3.11)
#   QTDEPS_CMD    the command printing the Qt packages, one a line (default: the staged
#                 venv's `python -m command_center.qtdeps depends`)
#   DEB_MAINTAINER  the Maintainer field (Name <mail>)
#   DEB_COMPRESS  dpkg-deb compression options (default "-Zgzip -z1": fast, and every dpkg has it)
set -euo pipefail
umask 022
cd "$(dirname "$0")/.."
REPO=$PWD

PKG=command-center
PREFIX=/opt/command-center
BUILD=$REPO/build/deb
ROOT=$BUILD/root
DIST=$REPO/dist
DEB_PYTHON=${DEB_PYTHON:-/usr/bin/python3.11}
DEB_COMPRESS=${DEB_COMPRESS:-"-Zgzip -z1"}
MAINTAINER=${DEB_MAINTAINER:-"Chaoyang Urban-Management Bureau IT <it@localhost>"}
PY_MM=3.11
SITE_REL=lib/python$PY_MM/site-packages

die() { echo "build_deb: error: $*" >&2; exit 1; }
step_start=0
step() { step_start=$(date +%s.%N); echo "== $*"; }
took() { printf '   (%.1f s)\n' "$(echo "$(date +%s.%N) - $step_start" | bc 2>/dev/null || echo 0)"; }
if ! command -v bc >/dev/null; then
  took() { echo "   ($(( $(date +%s) - ${step_start%.*} )) s)"; }
fi

repack=false
case "${1:-}" in
  --repack) repack=true ;;
  "") ;;
  *) die "unknown option $1 (usage: build_deb.sh [--repack])" ;;
esac

command -v dpkg-deb >/dev/null || die "dpkg-deb is missing (it comes with dpkg)"
[ -x "$DEB_PYTHON" ] || die "$DEB_PYTHON is missing: apt-get install python3.11 python3.11-venv"
"$DEB_PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11)' \
  || die "$DEB_PYTHON is not Python $PY_MM"
case "$(readlink -f "$DEB_PYTHON")" in
  /usr/bin/*) ;;
  *) die "$DEB_PYTHON resolves to $(readlink -f "$DEB_PYTHON"), not Debian's /usr/bin python" ;;
esac

UPSTREAM=$("$DEB_PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
if [ -z "${DEB_VERSION:-}" ]; then
  count=$(git rev-list --count HEAD 2>/dev/null || echo 0)
  DEB_VERSION="$UPSTREAM+$count.$(date -u +%Y%m%d%H%M%S)"
fi
dpkg --validate-version "$DEB_VERSION" 2>/dev/null || die "DEB_VERSION $DEB_VERSION is not a valid Debian version"
ARCH=$(dpkg --print-architecture)
DEB=$DIST/${PKG}_${DEB_VERSION}_${ARCH}.deb
VENV=$ROOT$PREFIX
SITE=$VENV/$SITE_REL

stage() {
  step "staging the venv from $DEB_PYTHON in $VENV"
  rm -rf "$BUILD"
  mkdir -p "$BUILD/src" "$BUILD/wheels" "$ROOT"
  # ensurepip (python3.11-venv) gives the venv its own pip, used here and removed below.
  "$DEB_PYTHON" -m venv "$VENV" \
    || die "could not make a venv with $DEB_PYTHON (apt-get install python3.11-venv)"
  took

  step "building the project's wheel"
  # From a clean copy: setuptools would otherwise reuse (and ship) a stale build/lib.
  tar -C "$REPO" --exclude=__pycache__ -cf - pyproject.toml README.md command_center \
    | tar -C "$BUILD/src" -xf -
  "$VENV/bin/python" -m pip wheel -q --no-deps -w "$BUILD/wheels" "$BUILD/src" \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  wheel=$(ls "$BUILD"/wheels/command_center-*.whl)
  took

  step "installing the app and its dependencies (wheels only)"
  "$VENV/bin/python" -m pip install -q --no-compile --only-binary=:all: "$wheel[postgres]" \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  "$VENV/bin/python" -m pip uninstall -q -y pip setuptools
  took

  step "adding resources/ and db/ beside the package"
  # command_center finds them as <its parent folder>/resources and /db (Path(__file__).parents).
  tar -C "$REPO" --exclude=__pycache__ -cf - resources db | tar -C "$SITE" -xf -
  took

  step "deriving the Qt libraries' Debian packages"
  local qtdeps
  if [ -n "${QTDEPS_CMD:-}" ]; then
    qtdeps=$(eval "$QTDEPS_CMD") || die "QTDEPS_CMD ($QTDEPS_CMD) failed"
  else
    # Their owners are read off this machine: install what is missing first (root), so that
    # a fresh machine builds too.
    scripts/apt-ensure --why "Qt's system libraries" \
      $("$VENV/bin/python" -m command_center.qtdeps packages) || die "could not install Qt's libraries"
    qtdeps=$("$VENV/bin/python" -m command_center.qtdeps depends) \
      || die "python -m command_center.qtdeps depends failed (is command_center/qtdeps.py there?)"
  fi
  # one package a line; drop ":amd64" qualifiers, blanks and comments
  qtdeps=$(printf '%s\n' "$qtdeps" | sed -e 's/#.*//' -e 's/:[a-z0-9-]*$//' -e 's/[[:space:]]//g' \
    | grep -v '^$' | sort -u)
  [ -n "$qtdeps" ] || die "qtdeps printed no packages"
  if printf '%s\n' "$qtdeps" | grep -vqE '^[a-z0-9][a-z0-9+.-]+$'; then
    die "qtdeps printed something that is not a package name: $(printf '%s\n' "$qtdeps" | grep -vE '^[a-z0-9][a-z0-9+.-]+$' | head -n3 | tr '\n' ' ')"
  fi
  printf '%s\n' "$qtdeps" >"$BUILD/qtdeps.txt"
  echo "   $(wc -l <"$BUILD/qtdeps.txt") packages: $(tr '\n' ' ' <"$BUILD/qtdeps.txt")"
  took

  step "stripping what the app never uses"
  local before after
  before=$(du -sm "$VENV" | cut -f1)
  local ps=$SITE/PySide6
  # Qt's developer tools, headers, type stubs, QML modules and build-time metadata: the app
  # loads only the Qt modules of command_center.qtdeps.QT_MODULES, and no QML or .pyi.
  rm -rf "$ps"/{assistant,designer,linguist,lrelease,lupdate,qmlformat,qmllint,qmlls,svgtoqml} \
    "$ps"/{include,typesystems,glue,scripts} "$ps"/Qt/{metatypes,qml} \
    "$ps"/Qt/plugins/{designer,qmltooling,qmllint}
  find "$ps" -maxdepth 1 -name '*.pyi' -delete
  rm -f "$VENV"/bin/pyside6-* "$VENV"/bin/activate.csh "$VENV"/bin/activate.fish "$VENV"/bin/Activate.ps1
  find "$VENV" -name __pycache__ -type d -prune -exec rm -rf {} +
  after=$(du -sm "$VENV" | cut -f1)
  echo "   $before MB -> $after MB"
  took

  step "byte-compiling (recorded as $PREFIX paths, owned by the package)"
  # dpkg keeps the files' mtimes, so these timestamp-checked .pyc stay valid when installed,
  # and dpkg removes them with the package (no stray __pycache__ left in /opt).
  "$VENV/bin/python" -m compileall -q -j0 -s "$ROOT" -p / "$SITE" >/dev/null \
    || die "compileall failed"
  took

  step "pointing the venv at $PREFIX instead of the staging folder"
  local f
  for f in "$VENV"/bin/*; do
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    if grep -Iq "$ROOT" "$f"; then  # text files only (shebangs, activate)
      sed -i "s#$ROOT$PREFIX#$PREFIX#g" "$f"
    fi
  done
  sed -i "s#$ROOT$PREFIX#$PREFIX#g" "$VENV/pyvenv.cfg"
  # pip's record of where the wheel came from (a file:// URL into build/)
  rm -f "$SITE"/command_center-*.dist-info/direct_url.json
  local left
  left=$(grep -rl --binary-files=text "$BUILD" "$VENV" 2>/dev/null | head -n5 || true)
  [ -z "$left" ] || die "files still name the staging folder $BUILD: $left"
  echo "   nothing names $BUILD"
  took

  step "desktop entry, icons, launcher"
  install -d "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
    "$ROOT/usr/share/icons/hicolor/scalable/apps" "$ROOT/usr/share/icons/hicolor/256x256/apps" \
    "$ROOT/usr/share/doc/$PKG"
  install -m 0755 packaging/command-center.sh "$ROOT/usr/bin/command-center"
  install -m 0644 packaging/command-center.desktop "$ROOT/usr/share/applications/command-center.desktop"
  install -m 0644 resources/icons/command-center.svg \
    "$ROOT/usr/share/icons/hicolor/scalable/apps/command-center.svg"
  local png=$ROOT/usr/share/icons/hicolor/256x256/apps/command-center.png
  command -v rsvg-convert >/dev/null || die "rsvg-convert is missing (apt-get install librsvg2-bin)"
  rsvg-convert -w 256 -h 256 resources/icons/command-center.svg -o "$png"
  chmod 0644 "$png"
  [ -s "$png" ] || die "could not render the 256x256 icon"
  command -v desktop-file-validate >/dev/null \
    || die "desktop-file-validate is missing (apt-get install desktop-file-utils)"
  desktop-file-validate "$ROOT/usr/share/applications/command-center.desktop" \
    || die "desktop-file-validate refused packaging/command-center.desktop"
  install -m 0644 packaging/copyright "$ROOT/usr/share/doc/$PKG/copyright"
  {
    echo "$PKG ($DEB_VERSION) stable; urgency=medium"
    echo
    echo "  * Built from $(git rev-parse --short HEAD 2>/dev/null || echo 'a source tree')."
    echo
    echo " -- $MAINTAINER  $(date -R)"
  } | gzip -9n >"$ROOT/usr/share/doc/$PKG/changelog.gz"
  chmod 0644 "$ROOT/usr/share/doc/$PKG/changelog.gz"
  took
}

pack() {
  [ -f "$BUILD/qtdeps.txt" ] && [ -x "$VENV/bin/python" ] \
    || die "nothing staged in $BUILD: run without --repack first"
  step "packing $DEB"
  mkdir -p "$ROOT/DEBIAN" "$DIST"
  local depends="python3.11 (>= 3.11), fonts-wqy-microhei | fonts-noto-cjk, ffmpeg"
  local p
  while read -r p; do
    case " $p " in *" python3.11 "*|*" ffmpeg "*) continue ;; esac
    depends="$depends, $p"
  done <"$BUILD/qtdeps.txt"
  local size
  size=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
  cat >"$ROOT/DEBIAN/control" <<EOF
Package: $PKG
Version: $DEB_VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $size
Depends: $depends
Section: misc
Priority: optional
Description: 智慧城管指挥中心 — urban-management command centre
 A desktop command centre for a city's urban-management bureau: the national
 closed loop of digital urban management (GB/T 30428) against working-hours
 deadlines, the map of districts, unit grids, open cases, cameras and squads,
 the camera wall, the city's registries and the supervisors' KPIs.
 .
 Carries its own Python environment in /opt/command-center (made from Debian's
 python3.11). The user's database and settings live in the user's folders
 (~/.local/share/command-center, ~/.config/command-center) and are never
 touched by installing, upgrading, removing or purging this package.
EOF
  install -m 0755 packaging/debian/postinst packaging/debian/postrm "$ROOT/DEBIAN/"
  rm -f "$DEB"
  # shellcheck disable=SC2086
  dpkg-deb --root-owner-group $DEB_COMPRESS --build "$ROOT" "$DEB" >/dev/null
  echo "   $(du -h "$DEB" | cut -f1)  $DEB (installed: $((size / 1024)) MB)"
  took
}

total_start=$(date +%s)
$repack || stage
pack
echo "built $DEB in $(( $(date +%s) - total_start )) s"
