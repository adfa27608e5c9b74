#!/usr/bin/env bash
# Deploys pos-lakehouse to Azure with the az CLI: resource group, Bicep (infrastructure, app settings,
# role assignments, the ADF batch-load pipeline), the Function App package, then the Databricks bundle
# when a workspace is configured. Safe to re-run: every step is idempotent, and the customer-id HMAC
# key is generated only when Key Vault does not hold one yet.
#
# Usage: infra/deploy.sh [-g RESOURCE_GROUP] [-l LOCATION] [-e ENVIRONMENT] [--skip-app] [--skip-databricks] [--what-if]
# Environment (optional): DATABRICKS_TOKEN (a PAT stored in Key Vault), DATABRICKS_TARGET (bundle target, default dev),
#   OPERATOR_OBJECT_ID (who gets data-plane access to upload landing files and send test events;
#   default: the signed-in user), PUBLISH_WITH=func (publish with Core Tools instead of config-zip).
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$INFRA_DIR/.." && pwd)"

ENVIRONMENT="${ENVIRONMENT:-dev}"
LOCATION="${LOCATION:-swedencentral}"
RESOURCE_GROUP="${RESOURCE_GROUP:-}"
DEPLOYMENT_NAME="pos-lakehouse"
PARAMETERS_FILE="${PARAMETERS_FILE:-$INFRA_DIR/main.parameters.json}"
DATABRICKS_TARGET="${DATABRICKS_TARGET:-dev}"
SKIP_APP=0
SKIP_DATABRICKS=0
WHAT_IF=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    -g|--resource-group) RESOURCE_GROUP="$2"; shift 2 ;;
    -l|--location) LOCATION="$2"; shift 2 ;;
    -e|--environment) ENVIRONMENT="$2"; shift 2 ;;
    -p|--parameters) PARAMETERS_FILE="$2"; shift 2 ;;
    --skip-app) SKIP_APP=1; shift ;;
    --skip-databricks) SKIP_DATABRICKS=1; shift ;;
    --what-if) WHAT_IF=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
RESOURCE_GROUP="${RESOURCE_GROUP:-rg-pos-lakehouse-$ENVIRONMENT}"

log() { printf '\n==> %s\n' "$*"; }
die() { printf 'deploy: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required ($2)"; }

need az "https://learn.microsoft.com/cli/azure/install-azure-cli"
need node "Node.js 20 builds the app"
need npm "npm builds the app"
az account show >/dev/null 2>&1 || die "not signed in: run 'az login' (and 'az account set -s <subscription>')"
az bicep version >/dev/null 2>&1 || az bicep install

WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"' EXIT
umask 077

# Reads one output of the last deployment of this template in the resource group ('' when none).
deployment_output() {
  az deployment group show -g "$RESOURCE_GROUP" -n "$DEPLOYMENT_NAME" \
    --query "properties.outputs.$1.value" -o tsv 2>/dev/null || true
}

# The environment's Key Vault, found by its tags (not by the last deployment's outputs, which a failed
# deployment would not have): passing a new HMAC key to a vault that holds one would re-key Silver.
find_vault() {
  az resource list -g "$RESOURCE_GROUP" --resource-type Microsoft.KeyVault/vaults \
    --query "[?tags.application=='pos-lakehouse' && tags.environment=='$ENVIRONMENT'].id | [0]" -o tsv 2>/dev/null || true
}

# True when the vault (resource id $1) holds secret $2: a control-plane read, so no data-plane role is
# needed and no value is read.
secret_exists() {
  [[ -n "$1" ]] || return 1
  az resource show --ids "$1/secrets/$2" --query id -o tsv >/dev/null 2>&1
}

# Secure parameters go through a file readable only by this user, never through the command line.
write_secure_parameters() { # $1 = pseudonymizationKey, $2 = databricksToken
  node -e '
    const [file, key, pat] = process.argv.slice(1);
    const p = { pseudonymizationKey: { value: key }, databricksToken: { value: pat } };
    require("node:fs").writeFileSync(file, JSON.stringify({ $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", contentVersion: "1.0.0.0", parameters: p }));
  ' "$WORK_DIR/secure.parameters.json" "$1" "$2"
}

# One Bicep deployment; $1 = databricksJobId. Prints nothing; outputs are read with deployment_output.
deploy_infrastructure() {
  local job_id="$1" vault key="" token_in_vault=false
  vault="$(find_vault)"
  if ! secret_exists "$vault" customer-hmac-key; then
    key="$(node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64"))')"
    echo "generating the customer-id HMAC key (stored in Key Vault only)"
  fi
  if [[ -z "${DATABRICKS_TOKEN:-}" ]] && secret_exists "$vault" databricks-token; then token_in_vault=true; fi
  write_secure_parameters "$key" "${DATABRICKS_TOKEN:-}"

  local operator="${OPERATOR_OBJECT_ID:-}"
  if [[ -z "$operator" ]]; then operator="$(az ad signed-in-user show --query id -o tsv 2>/dev/null || true)"; fi
  local operators="[]"
  [[ -n "$operator" ]] && operators="[\"$operator\"]"

  local args=(
    -g "$RESOURCE_GROUP" -n "$DEPLOYMENT_NAME" -f "$INFRA_DIR/main.bicep"
    -p "@$PARAMETERS_FILE" -p "@$WORK_DIR/secure.parameters.json"
    -p environmentName="$ENVIRONMENT" databricksJobId="$job_id" databricksTokenInVault="$token_in_vault"
    -p operatorPrincipalIds="$operators"
  )
  [[ -n "${DATABRICKS_WORKSPACE_URL:-}" ]] && args+=(-p databricksWorkspaceUrl="$DATABRICKS_WORKSPACE_URL")
  if [[ "$WHAT_IF" == 1 ]]; then
    az deployment group what-if "${args[@]}"
    exit 0
  fi
  az deployment group create "${args[@]}" --only-show-errors -o none
  rm -f "$WORK_DIR/secure.parameters.json"
}

# Builds dist/ and stages a Linux x64 package: production dependencies only, no install scripts
# (the optional Core Tools download is not needed in Azure), plus the SQL and suite files the app reads.
build_package() {
  log "building the app"
  (cd "$REPO_DIR" && { [[ -d node_modules ]] || npm ci; } && npm run build)
  local stage="$WORK_DIR/package"
  mkdir -p "$stage"
  cp -R "$REPO_DIR/dist" "$REPO_DIR/host.json" "$REPO_DIR/package.json" "$REPO_DIR/package-lock.json" "$stage/"
  (cd "$REPO_DIR" && find shared -type f \( -name '*.sql' -o -name '*.json' \) | while read -r f; do
    mkdir -p "$stage/$(dirname "$f")" && cp "$f" "$stage/$f"
  done)
  (cd "$stage" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --os=linux --cpu=x64 --libc=glibc)
  (cd "$stage" && if command -v zip >/dev/null; then zip -qr "$WORK_DIR/app.zip" .; else python3 -m zipfile -c "$WORK_DIR/app.zip" ./*; fi)
}

publish_app() {
  local app="$1"
  build_package
  log "publishing to $app"
  if [[ "${PUBLISH_WITH:-az}" == func ]] && command -v func >/dev/null; then
    (cd "$WORK_DIR/package" && func azure functionapp publish "$app" --javascript)
    return
  fi
  # The app's role on the deployment container can take a few minutes to propagate after a first deployment.
  for attempt in 1 2 3 4 5; do
    if az functionapp deployment source config-zip -g "$RESOURCE_GROUP" -n "$app" --src "$WORK_DIR/app.zip" --only-show-errors -o none; then
      return
    fi
    echo "publish attempt $attempt failed; retrying in 60 s (role assignments propagating)"
    sleep 60
  done
  die "publishing failed"
}

# Deploys the bundle and prints the job id of pos_transforms ('' when no workspace is configured).
deploy_bundle() {
  local host="$1"
  [[ -n "$host" ]] || return 0
  if ! command -v databricks >/dev/null; then
    echo "databricks CLI not found: skipping the bundle (install it and re-run to switch the transform to Databricks)" >&2
    return 0
  fi
  local lake_root
  lake_root="$(deployment_output lakeUrl)"
  log "deploying the Databricks bundle to $host (target $DATABRICKS_TARGET)" >&2
  (
    cd "$INFRA_DIR/databricks"
    export DATABRICKS_HOST="$host"
    databricks bundle deploy -t "$DATABRICKS_TARGET" --var="lake_root=${lake_root%/}" >&2
    databricks bundle summary -t "$DATABRICKS_TARGET" -o json |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);process.stdout.write(String(j?.resources?.jobs?.pos_transforms?.id ?? ""))})'
  )
}

log "resource group $RESOURCE_GROUP ($LOCATION)"
az group create -n "$RESOURCE_GROUP" -l "$LOCATION" --tags application=pos-lakehouse environment="$ENVIRONMENT" -o none

log "deploying infrastructure (Bicep: resources, app settings, roles, ADF pipeline)"
# Keep the job id an earlier run recorded unless DATABRICKS_JOB_ID overrides it.
JOB_ID="${DATABRICKS_JOB_ID:-$(deployment_output databricksJobId)}"
JOB_ID="${JOB_ID:-0}"
deploy_infrastructure "$JOB_ID"

APP="$(deployment_output functionAppName)"
[[ "$SKIP_APP" == 1 ]] || publish_app "$APP"

if [[ "$SKIP_DATABRICKS" == 0 ]]; then
  NEW_JOB_ID="$(deploy_bundle "$(deployment_output databricksWorkspaceUrl)")"
  if [[ -n "$NEW_JOB_ID" && "$NEW_JOB_ID" != "$JOB_ID" ]]; then
    log "pointing the app at Databricks job $NEW_JOB_ID (re-applying Bicep, the one owner of app settings)"
    deploy_infrastructure "$NEW_JOB_ID"
  fi
fi

log "done"
for name in functionAppName ingestUrl dashboardUrl pipelineRunsUrl eventHubNamespace eventHubName lakeUrl landingUrl dataFactoryName keyVaultName databricksWorkspaceUrl pipelineTransformEngine; do
  printf '  %-24s %s\n' "$name" "$(deployment_output "$name")"
done
cat <<EOF

Function key for the HTTP endpoints (authLevel function):
  az functionapp keys list -g $RESOURCE_GROUP -n $APP --query functionKeys.default -o tsv
EOF
