#!/usr/bin/env bash
# Generates the Python client from openapi.yaml, as a third party would, type-checks it,
# and calls the running server through it (issue 13, point 7).
#
#   .ci/generated_client.sh VENV_DIR BASE_URL ACCESS_TOKEN
#
# VENV_DIR: a Python (3.10 or later) virtualenv, made when missing; the pins below are
# installed into it. BASE_URL: the running server, e.g. http://127.0.0.1:8080.
# ACCESS_TOKEN: a district officer's bearer token (.ci/session_token.py district_officer).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -ne 3 ]; then
    echo "usage: $0 VENV_DIR BASE_URL ACCESS_TOKEN" >&2
    exit 2
fi
venv="$1"
base="$2"
token="$3"

# Pinned so that a run is repeatable: the generator, the type checker, and the generated
# client's own runtime libraries (whose stubs mypy reads).
pins=(
    openapi-python-client==0.29.1
    mypy==2.4.1
    httpx==0.28.1
    attrs==26.1.0
)

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || { echo "$venv: Python 3.10 or later needed"; exit 1; }
"$venv/bin/pip" install -q --disable-pip-version-check "${pins[@]}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# No post hooks: they run ruff, whose newer fixes rewrite `*args: Any` into a form mypy
# rejects; formatting the throwaway code proves nothing.
cat >"$work/config.yaml" <<'EOF'
package_name_override: tinbao_client
project_name_override: tinbao-client
post_hooks: []
EOF
if ! PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate \
    --path openapi.yaml --output-path "$work/tinbao_client" --meta none \
    --config "$work/config.yaml" >"$work/generate.log" 2>&1; then
    cat "$work/generate.log"
    echo "openapi-python-client could not generate the client"
    exit 1
fi
# The generator does not read application/yaml, so GET /openapi.yaml keeps no parsed 200;
# that one warning is expected. Any other (a schema it dropped, a response it could not
# parse) fails: it means the generated client silently lacks part of the contract.
unexpected="$(grep -E '^(WARNING|Unable to|Cannot parse)' "$work/generate.log" \
    | grep -vxF 'WARNING parsing GET /openapi.yaml within operations.' \
    | grep -vE '^Cannot parse response for status code .* \(Unsupported content_type application/yaml\), response will be omitted from generated client$' \
    || true)"
if [ -n "$unexpected" ]; then
    cat "$work/generate.log"
    echo "openapi-python-client warned about the contract:"
    echo "$unexpected"
    exit 1
fi
echo "generated $(find "$work/tinbao_client" -name '*.py' | wc -l) modules"

cp .ci/generated_client_check.py "$work/"
(
    cd "$work"
    "$venv/bin/mypy" --strict --warn-unreachable --cache-dir "$work/.mypy_cache" \
        tinbao_client generated_client_check.py
)

# The token travels as an argument to a child process on this machine only; it is never
# printed.
(cd "$work" && "$venv/bin/python" generated_client_check.py "$base" "$token")
