#!/usr/bin/env bash
# Adds a migration for both providers, each in its own folder (decision 0002), then checks that neither has changes
# left over. Usage: scripts/add-migration.sh NAME
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 1 ] || [[ ! "$1" =~ ^[A-Z][A-Za-z0-9]*$ ]]; then
  echo "usage: scripts/add-migration.sh NAME   (NAME in PascalCase, e.g. ContactCorrections)" >&2
  exit 2
fi

dotnet tool restore >/dev/null
dotnet build src/Tsunagu --nologo -v quiet
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$1" --project src/Tsunagu --context "${provider}TsunaguDb" \
    --output-dir "Data/Migrations/${provider}" --namespace "Tsunagu.Data.Migrations.${provider}" --no-build
done
dotnet build src/Tsunagu --nologo -v quiet
for provider in Sqlite Postgres; do
  dotnet ef migrations has-pending-model-changes --project src/Tsunagu --context "${provider}TsunaguDb" --no-build
done
echo "Added $1 for SQLite and PostgreSQL. SQL the model cannot express goes in Data/Sql/<provider>/<name>.vN.sql (SqlFiles)."
