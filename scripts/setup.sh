#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian/Ubuntu machine (also fine to run again and again):
#   1. OS packages WeasyPrint needs (Pango, HarfBuzz-subset, CJK fonts), and with --test
#      the browser and PDF tools the tests use; installed only if missing, and only when
#      we are root (or have password-less sudo). Otherwise: a warning listing what is missing.
#   2. a virtualenv in .venv (Python 3.11+), created if absent or broken;
#   3. the Python requirements, installed only when the requirement files changed
#      (a hash is kept in .venv/.req-stamp).
# It never runs `playwright install`: the tests drive Debian's /usr/bin/chromium.
#
# Usage: scripts/setup.sh [--test | --dev]
#   (none)   runtime: requirements.txt
#   --dev    + requirements-dev.txt (pytest, factory_boy, playwright, hypothesis)
#   --test   --dev + the OS packages the tests need (chromium, poppler-utils, LibreOffice Calc)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
STAMP="$VENV/.req-stamp"

MODE=run
for arg in "$@"; do
    case "$arg" in
        --test) MODE=test ;;
        --dev) [ "$MODE" = test ] || MODE=dev ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown option: $arg" >&2; exit 2 ;;
    esac
done

say() { printf '[setup] %s\n' "$*"; }
warn() { printf '[setup] WARNING: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- 1. OS packages
# postgresql-client: pg_dump / pg_restore for manage.py backup and restore (issue 13).
OS_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-gbsn00lp fonts-arphic-ukai postgresql-client)
TEST_OS_PACKAGES=(chromium poppler-utils libreoffice-calc-nogui)
wanted=("${OS_PACKAGES[@]}")
[ "$MODE" = test ] && wanted+=("${TEST_OS_PACKAGES[@]}")

if command -v dpkg-query >/dev/null 2>&1; then
    missing=()
    for pkg in "${wanted[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        SUDO=""
        can_install=no
        if command -v apt-get >/dev/null 2>&1; then
            if [ "$(id -u)" -eq 0 ]; then
                can_install=yes
            elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
                SUDO="sudo -n"
                can_install=yes
            fi
        fi
        if [ "$can_install" = yes ]; then
            say "installing OS packages: ${missing[*]}"
            export DEBIAN_FRONTEND=noninteractive
            $SUDO apt-get update -q
            $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
        else
            warn "these OS packages are missing: ${missing[*]}"
            warn "install them as root with:"
            warn "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
            warn "(without Pango/HarfBuzz-subset PDFs fail or are very slow; without a CJK font Chinese text prints as boxes;"
            warn " without chromium the browser tests cannot run)"
        fi
    else
        say "OS packages present"
    fi
else
    warn "not a Debian/Ubuntu system (no dpkg): make sure these are installed: ${wanted[*]}"
fi

# ---------------------------------------------------------------- 2. virtualenv
python_ok() {  # is "$1" a Python 3.11 or newer?
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

venv_ok() {
    [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python" && "$VENV/bin/python" -m pip --version >/dev/null 2>&1
}

if ! venv_ok; then
    PY=""
    for cand in python3.11 python3; do
        if command -v "$cand" >/dev/null 2>&1 && python_ok "$cand"; then
            PY=$(command -v "$cand")
            break
        fi
    done
    if [ -z "$PY" ]; then
        echo "[setup] ERROR: Python 3.11 or newer is needed (python3.11 or python3); on Debian: apt-get install python3 python3-venv" >&2
        exit 1
    fi
    if [ -e "$VENV" ]; then
        warn ".venv exists but is broken: recreating it"
        rm -rf "$VENV"
    fi
    say "creating .venv with $PY ($("$PY" --version 2>&1))"
    if ! "$PY" -m venv "$VENV"; then
        echo "[setup] ERROR: could not create the virtualenv; on Debian: apt-get install python3-venv" >&2
        rm -rf "$VENV"
        exit 1
    fi
fi

# ---------------------------------------------------------------- 3. requirements
# The stamp holds one hash: of requirements.txt (runtime) or of both files (dev/test),
# each with the venv's Python version. A dev install satisfies a runtime request too.
req_hash() {
    { "$VENV/bin/python" -c 'import sys; print(sys.version)'; cat "$@"; } | sha256sum | cut -d' ' -f1
}
H_RUN="run:$(req_hash requirements.txt)"
H_DEV="dev:$(req_hash requirements.txt requirements-dev.txt)"
current=$(cat "$STAMP" 2>/dev/null || true)

if [ "$MODE" = run ]; then
    want="$H_RUN"; reqfile=requirements.txt
    [ "$current" = "$H_RUN" ] || [ "$current" = "$H_DEV" ] && up_to_date=yes || up_to_date=no
else
    want="$H_DEV"; reqfile=requirements-dev.txt
    [ "$current" = "$H_DEV" ] && up_to_date=yes || up_to_date=no
fi

if [ "$up_to_date" = yes ]; then
    say "Python requirements up to date (.venv/.req-stamp)"
else
    say "installing Python requirements from $reqfile"
    rm -f "$STAMP"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install -q -r "$reqfile"
    printf '%s\n' "$want" > "$STAMP"
fi

# The development set-up (--dev/--test) writes a .env for local settings. Django reads it
# only when DEBUG=1 is set explicitly in the environment (make run / make test do), so a
# checkout deployed outside Docker never turns DEBUG on from it (issue 14).
if [ "$MODE" != run ] && [ ! -e "$ROOT/.env" ]; then
    printf '%s\n' "# Written by scripts/setup.sh for development; read only when DEBUG=1 is set in the environment." > "$ROOT/.env"
    say "wrote .env for development (read only with DEBUG=1 in the environment)"
fi

if [ "$MODE" = test ] && [ ! -x /usr/bin/chromium ]; then
    warn "/usr/bin/chromium is missing: the browser (e2e) tests cannot run"
fi
say "done"
