#!/usr/bin/env bash
# Runs every test of Tsunagu on a fresh machine of this kind: installs what is missing, then builds and tests.
# The tests start their own throwaway PostgreSQL cluster from the machine's PostgreSQL binaries.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! id postgres >/dev/null 2>&1; then
  echo "Installing the PostgreSQL server binaries for the test cluster..."
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
fi

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work on the city network),
# with Japanese fonts so screenshots show the pages as staff see them.
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  echo "Installing Chromium and Japanese fonts for the browser tests..."
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk fontconfig
fi

# HAProxy for the test of two servers behind a load balancer, as a city would put them.
if [ ! -x /usr/sbin/haproxy ]; then
  echo "Installing HAProxy for the two-server test..."
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy
fi

# axe-core for the browser tests' accessibility checks, the Nu HTML checker, and for the API's document Redocly's linter,
# openapi-typescript and TypeScript's compiler, from the npm registry at the versions locked in tests/tools.
if ! command -v npm >/dev/null 2>&1; then
  echo "Installing Node.js and npm for the browser tests' accessibility checks..."
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
fi
if [ ! -f tests/tools/node_modules/axe-core/axe.min.js ] || [ ! -f tests/tools/node_modules/vnu-jar/build/dist/vnu.jar ] \
  || [ ! -x tests/tools/node_modules/.bin/redocly ] || [ ! -x tests/tools/node_modules/.bin/openapi-typescript ] \
  || [ ! -x tests/tools/node_modules/.bin/tsc ]; then
  npm ci --prefix tests/tools --no-audit --no-fund
fi

# Java for the Nu HTML checker (vnu-jar, from npm above), which the public site's pages are checked with.
if ! command -v java >/dev/null 2>&1; then
  echo "Installing Java for the Nu HTML checker..."
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends default-jre-headless
fi

# Poppler's pdftotext and pdffonts read the paper notices' PDF back: its text, and that its Japanese font is embedded.
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdffonts >/dev/null 2>&1; then
  echo "Installing poppler-utils for the PDF checks..."
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends poppler-utils
fi

dotnet tool restore >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Tsunagu.slnx --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line for whoever reads the log: "N passed, N failed".
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ -d artifacts/screenshots ]; then
  echo "Screenshots of the main pages: $(pwd)/artifacts/screenshots"
fi
echo "$passed passed, $failed failed"
exit "$status"
