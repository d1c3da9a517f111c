#!/usr/bin/env bash
# Prepare the environment for Woonzorgatlas. Used by scripts/start.sh and scripts/test.sh.
#
#   bash scripts/setup.sh            runtime: .venv + requirements.txt
#   bash scripts/setup.sh --test     also tests/requirements.txt and the Debian packages
#                                    the tests need (chromium, gdal-bin, poppler-utils,
#                                    python3-qgis: exports are opened in QGIS)
#
# Idempotent: the venv is created once; pip runs again only when the requirements files
# (or the venv's Python) change, tracked by a sha256 stamp inside .venv.
#
# Environment:
#   PYTHON                 interpreter used to create .venv (default: python3, needs >= 3.11)
#   WOONZORGATLAS_SKIP_APT=1  never call apt-get; fail if a Debian package is missing
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
APT_PACKAGES=(chromium fonts-liberation gdal-bin poppler-utils python3-qgis qgis-providers)

log() { printf '[setup] %s\n' "$*" >&2; }
die() {
    printf '[setup] ERROR: %s\n' "$*" >&2
    exit 1
}

mode="runtime"
case "${1:-}" in
    "") ;;
    --test) mode="test" ;;
    -h | --help)
        sed -n '2,13p' "${BASH_SOURCE[0]}"
        exit 0
        ;;
    *) die "unknown argument '$1' (use --test or nothing)" ;;
esac

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        local sudo_opts=(-n) # no password prompt without a terminal (CI)
        [ -t 0 ] && sudo_opts=()
        sudo "${sudo_opts[@]}" "$@" || die "'sudo $*' failed (needs root or password-less sudo)." \
            "Run it yourself, then run this script again."
    else
        die "need root to run '$*' but sudo is not installed. Run it as root, then run this" \
            "script again."
    fi
}

deb_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Install the given Debian packages if missing; `apt-get update` only when something is missing.
ensure_apt() {
    local missing=() pkg
    command -v dpkg-query >/dev/null 2>&1 \
        || die "this is not a Debian-like system (no dpkg). Install by hand: $*"
    for pkg in "$@"; do
        deb_installed "$pkg" || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "${WOONZORGATLAS_SKIP_APT:-0}" = "1" ]; then
        die "missing Debian packages: ${missing[*]} (WOONZORGATLAS_SKIP_APT=1, so not" \
            "installing). Run: apt-get install ${missing[*]}"
    fi
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    local apt_opts=(-o Dpkg::Lock::Timeout=300 -o Acquire::Retries=3)
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" -qq update \
        || die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" -y -qq \
        --no-install-recommends install "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
    for pkg in "${missing[@]}"; do
        deb_installed "$pkg" || die "Debian package '$pkg' is still not installed"
    done
}

# --- Python interpreter -------------------------------------------------------------------
command -v "$PYTHON" >/dev/null 2>&1 \
    || die "'$PYTHON' not found. Install Python >= 3.11 (Debian: apt-get install python3" \
        "python3-venv) or set PYTHON=/path/to/python3.11."
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$("$PYTHON" -V 2>&1) is too old; Woonzorgatlas needs Python >= 3.11 (set PYTHON=...)."

# Debian splits venv/ensurepip into python3-venv; install it when it is the system Python.
if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    if [ "$(command -v "$PYTHON")" = "/usr/bin/python3" ] && command -v apt-get >/dev/null 2>&1 \
        && [ "${WOONZORGATLAS_SKIP_APT:-0}" != "1" ]; then
        ensure_apt python3-venv
    fi
    "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1 \
        || die "$PYTHON cannot create virtual environments (no venv/ensurepip)." \
            "On Debian: apt-get install python3-venv"
fi

# --- Virtual environment ------------------------------------------------------------------
# Serialise concurrent runs (e.g. start.sh and test.sh at once) so pip never races itself.
# The lock is taken on this script itself, so no lock file is left behind.
if command -v flock >/dev/null 2>&1; then
    exec 9<"${BASH_SOURCE[0]}"
    flock 9
fi

if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
then
    log "creating virtual environment in .venv ($("$PYTHON" -V 2>&1))"
    # --clear: a venv whose interpreter vanished or is too old is rebuilt from scratch.
    "$PYTHON" -m venv --clear "$VENV" || die "could not create $VENV"
fi
VPY="$VENV/bin/python"

# Stamp = sha256 over the requirements files and the venv's exact Python build.
stamp_of() {
    {
        "$VPY" -VV
        local f
        for f in "$@"; do
            printf '%s\n' "$f"
            cat "$ROOT/$f"
        done
    } | sha256sum | cut -d' ' -f1
}

pip_install() { # $1 = stamp name, $2 = requirements file (relative to ROOT)
    local name="$1" req="$2" stamp_file want
    shift 2
    stamp_file="$VENV/.stamp-$name"
    want="$(stamp_of "$req" "$@")"
    if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ]; then
        return 0
    fi
    log "installing Python packages from $req into .venv (a fresh install takes a few minutes)"
    local t0=$SECONDS
    # From the project root: requirements.txt installs the project itself (-e .[app]).
    (cd "$ROOT" && "$VPY" -m pip install --quiet --disable-pip-version-check --no-input \
        -r "$ROOT/$req") || die "pip install -r $req failed (see the errors above)"
    printf '%s\n' "$want" >"$stamp_file"
    log "done in $((SECONDS - t0)) s"
}

[ -f "$ROOT/requirements.txt" ] || die "requirements.txt not found in $ROOT"
if [ "$mode" = "test" ]; then
    [ -f "$ROOT/tests/requirements.txt" ] || die "tests/requirements.txt not found in $ROOT"
    ensure_apt "${APT_PACKAGES[@]}"
    [ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing although package chromium" \
        "is installed"
    # tests/requirements.txt includes requirements.txt, so both stamps are satisfied at once.
    pip_install test tests/requirements.txt requirements.txt pyproject.toml
    stamp_of requirements.txt pyproject.toml >"$VENV/.stamp-runtime"
else
    pip_install runtime requirements.txt pyproject.toml
fi

# Cheap sanity check: fail here, with a clear message, rather than deep inside the app.
"$VPY" -c 'import importlib.util as u, sys
sys.exit(any(u.find_spec(m) is None for m in ("geo", "geopandas", "pyogrio", "streamlit", "streamlit_folium")))' \
    || die "the .venv is incomplete (import failed). Delete .venv and run again."
if [ "$mode" = "test" ]; then
    "$VPY" -c 'import importlib.util as u, sys
sys.exit(any(u.find_spec(m) is None for m in ("playwright", "pytest", "access")))' \
        || die "test packages missing from .venv. Delete .venv and run again."
    "$VENV/bin/ruff" --version >/dev/null || die "ruff missing from .venv"
fi
