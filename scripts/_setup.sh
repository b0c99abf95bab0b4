# Shared by scripts/demo and scripts/test: system packages and the virtual environment.
# Usage: source scripts/_setup.sh; ensure_packages pkg…; ensure_venv EXTRAS
ensure_packages() {
  local need=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg"); done
  [ ${#need[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# The project is installed editable: code changes need no reinstall, only a changed pyproject.toml
# (dependencies, entry points, extras) does. .venv/.yzyh-installed records the pyproject.toml hash
# and the extras installed with it; the install runs only when they differ or the package is gone.
ensure_venv() {
  local extras="$1"
  local stamp=.venv/.yzyh-installed
  local want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  if [ -f "$stamp" ] && [ "$(head -n1 "$stamp")" = "$want" ] \
     && { [ -z "$extras" ] || grep -qxF "extras $extras" "$stamp"; } \
     && [ -x .venv/bin/yzyh ] && .venv/bin/python -c "import yizuyihui, django" 2>/dev/null; then
    return 0
  fi
  echo "Installing Python packages into .venv${extras:+ (with $extras)}…"
  _pip install -q --upgrade pip
  _pip install -q -e ".${extras}"
  .venv/bin/python -c "import yizuyihui, django" || { echo "installation failed" >&2; exit 1; }
  # A new pyproject.toml starts a new stamp; extras installed under the same hash accumulate.
  if [ ! -f "$stamp" ] || [ "$(head -n1 "$stamp")" != "$want" ]; then
    printf '%s\n' "$want" > "$stamp"
  fi
  [ -n "$extras" ] && echo "extras $extras" >> "$stamp"
  return 0
}

# pip with its output filtered (Debian's "WARNING: Location" noise); a failed install stops the script.
_pip() {
  local log status=0
  log="$(mktemp)"
  .venv/bin/python -m pip "$@" >"$log" 2>&1 || status=$?
  grep -v "^WARNING: Location" "$log" >&2 || true
  rm -f "$log"
  if [ "$status" -ne 0 ]; then echo "pip $* failed" >&2; exit 1; fi
}

# Runtime libraries: WeasyPrint needs Pango; Chinese PDFs need the Noto CJK fonts.
RUNTIME_PACKAGES=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk)
