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

ensure_venv() {
  local extras="$1"
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip install -q -e ".${extras}" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import yizuyihui, django" || { echo "installation failed" >&2; exit 1; }
}

# Runtime libraries: WeasyPrint needs Pango; Chinese PDFs need the Noto CJK fonts.
RUNTIME_PACKAGES=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk)
