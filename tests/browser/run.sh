#!/usr/bin/env bash
# The pages' browser tests: installs what they need (Debian's Chromium and ChromeDriver,
# Noto fonts for Vietnamese, Selenium in a virtualenv, axe-core from npm), builds tinbao,
# and runs the citizens' pages (test_pages.py) and the staff console (test_console.py), each on
# a tinbao of its own. Screenshots go to $1 (default target/screenshots). Both run even when
# the first fails, so one run shows every failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="${TINBAO_CI_CACHE:-$HOME/.cache/tinbao}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
out="${1:-$CARGO_TARGET_DIR/screenshots}"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-core)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[ -x "$CACHE/browser-venv/bin/python" ] || python3 -m venv "$CACHE/browser-venv"
"$CACHE/browser-venv/bin/pip" install -q --disable-pip-version-check -r tests/browser/requirements.txt
axe="$CACHE/axe/package/axe.min.js"
if [ ! -f "$axe" ]; then
    mkdir -p "$CACHE/axe"
    (cd "$CACHE/axe" && npm pack -q axe-core@4.14.1 >/dev/null && tar xzf axe-core-4.14.1.tgz)
fi

cargo build -q --bin tinbao
rm -rf "$out"
status=0
for script in test_pages.py test_console.py; do
    echo "== tests/browser/$script"
    "$CACHE/browser-venv/bin/python" "tests/browser/$script" "$CARGO_TARGET_DIR/debug/tinbao" "$axe" "$out" || status=1
done
exit "$status"
