# Shared by scripts/demo and scripts/test: find Python 3.12+, install system packages on
# Debian when they are missing, and keep .venv in step with pyproject.toml.
# Usage: source scripts/_setup.sh; pl_apt_install PACKAGE...; pl_setup_venv
set -euo pipefail

pl_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

pl_python_ok() {
  command -v "$1" >/dev/null 2>&1 \
    && "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null
}

pl_find_python() {
  local candidate
  if [ -n "${PEERLEARN_PYTHON:-}" ]; then
    if pl_python_ok "$PEERLEARN_PYTHON"; then
      command -v "$PEERLEARN_PYTHON"
      return 0
    fi
    echo "PEERLEARN_PYTHON=$PEERLEARN_PYTHON does not run as Python 3.12 or newer." >&2
    return 1
  fi
  # python3.12 first (what CI and the docs use), then newer ones. A candidate counts only
  # if it runs: a pyenv shim on PATH for a version that is not selected exits non-zero.
  for candidate in python3.12 /root/.pyenv/versions/3.12*/bin/python3.12 \
      "$HOME"/.pyenv/versions/3.12*/bin/python3.12 python3.13 /root/.pyenv/versions/3.13*/bin/python3.13 \
      "$HOME"/.pyenv/versions/3.13*/bin/python3.13 python3; do
    if pl_python_ok "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "peerlearn needs Python 3.12 or newer (python3.12 on PATH, or set PEERLEARN_PYTHON)." >&2
  return 1
}

# pl_apt_install PACKAGE... installs the missing ones when we can (root on Debian/Ubuntu).
pl_apt_install() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing system packages: ${missing[*]} — install them (see README) and run again." >&2
    return 1
  fi
}

# pl_setup_venv [app|dev]: "dev" (the default) adds the test and lint tools; "app" (the
# demo) installs only what the application needs to run. A venv with "dev" serves both.
pl_setup_venv() {
  local python stamp want have kind="${1:-dev}" spec
  cd "$pl_root"
  if [ ! -x .venv/bin/python ]; then
    python="$(pl_find_python)"
    echo "Creating .venv with $python"
    "$python" -m venv .venv
  fi
  stamp=.venv/.peerlearn-installed
  want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [ "$have" = "$want:dev" ] || [ "$have" = "$want:$kind" ] || [ "$have" = "$want" ]; then
    return 0
  fi
  spec="."
  [ "$kind" = "dev" ] && spec=".[dev]"
  echo "Installing peerlearn and its dependencies into .venv ($kind)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$spec"
  echo "$want:$kind" > "$stamp"
}
