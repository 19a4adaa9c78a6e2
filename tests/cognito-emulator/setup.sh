#!/usr/bin/env bash
# Creates (or reuses) the emulator's virtualenv and prints its path on stdout.
#
# The venv lives outside the repository so repeated CI runs and `git clean` do not
# throw away a 45 s moto install. Requirements are installed again only when
# requirements.txt changes (its sha256 is kept in a stamp file inside the venv).
#
#   COGAUTH_EMULATOR_VENV   venv location (default: ${TMPDIR:-/tmp}/cogauth-emulator-venv)
#   PYTHON                  interpreter used to create the venv (default: python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${COGAUTH_EMULATOR_VENV:-${TMPDIR:-/tmp}/cogauth-emulator-venv}"
python="${PYTHON:-python3}"
requirements="$here/requirements.txt"
stamp="$venv/.cogauth-requirements.sha256"

# Progress goes to stderr so that `venv=$(./setup.sh)` captures only the path.
log() { printf 'cogauth-emulator setup: %s\n' "$*" >&2; }

if ! command -v "$python" >/dev/null 2>&1; then
    log "$python not found; install Python 3.9 or newer (Debian: apt-get install python3)"
    exit 1
fi

if [ ! -x "$venv/bin/python" ]; then
    if [ -e "$venv" ] && [ -n "$(ls -A "$venv" 2>/dev/null)" ]; then
        log "$venv exists but is not a venv; remove it or set COGAUTH_EMULATOR_VENV"
        exit 1
    fi
    log "creating venv at $venv"
    if ! "$python" -m venv "$venv" >&2; then
        rm -rf "$venv"  # our own half-made venv (the directory was empty or absent)
        log "'$python -m venv' failed. On Debian/Ubuntu install the venv module:"
        log "    apt-get install python3-venv"
        exit 1
    fi
fi

wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
    log "installing $requirements"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$requirements" >&2
    # Written only after a successful install, so a failed one is retried next time.
    printf '%s\n' "$wanted" >"$stamp"
else
    log "requirements unchanged, nothing to install"
fi

printf '%s\n' "$venv"
