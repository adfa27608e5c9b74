#!/usr/bin/env bash
# Removes a pos-lakehouse deployment: the Databricks bundle (when deployed), the resource group with
# everything in it (lake data included), then purges the soft-deleted Key Vault so the same environment
# can be deployed again. A purge-protected vault cannot be purged: it is left to expire.
#
# Usage: infra/teardown.sh [-g RESOURCE_GROUP] [-e ENVIRONMENT] [--yes] [--keep-vault]
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ENVIRONMENT="${ENVIRONMENT:-dev}"
RESOURCE_GROUP="${RESOURCE_GROUP:-}"
DATABRICKS_TARGET="${DATABRICKS_TARGET:-dev}"
DEPLOYMENT_NAME="pos-lakehouse"
YES=0
KEEP_VAULT=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    -g|--resource-group) RESOURCE_GROUP="$2"; shift 2 ;;
    -e|--environment) ENVIRONMENT="$2"; shift 2 ;;
    -y|--yes) YES=1; shift ;;
    --keep-vault) KEEP_VAULT=1; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
RESOURCE_GROUP="${RESOURCE_GROUP:-rg-pos-lakehouse-$ENVIRONMENT}"

command -v az >/dev/null || { echo "teardown: az CLI is required" >&2; exit 1; }
if [[ "$(az group exists -n "$RESOURCE_GROUP")" != true ]]; then
  echo "resource group $RESOURCE_GROUP does not exist: nothing to remove"
  exit 0
fi

output() {
  az deployment group show -g "$RESOURCE_GROUP" -n "$DEPLOYMENT_NAME" --query "properties.outputs.$1.value" -o tsv 2>/dev/null || true
}
VAULT="$(output keyVaultName)"
WORKSPACE="$(output databricksWorkspaceUrl)"

if [[ "$YES" != 1 ]]; then
  read -r -p "Delete resource group $RESOURCE_GROUP and ALL its data (lake included)? Type the group name to confirm: " answer
  [[ "$answer" == "$RESOURCE_GROUP" ]] || { echo "aborted"; exit 1; }
fi

if [[ -n "$WORKSPACE" ]] && command -v databricks >/dev/null; then
  echo "==> destroying the Databricks bundle in $WORKSPACE"
  (cd "$INFRA_DIR/databricks" && DATABRICKS_HOST="$WORKSPACE" databricks bundle destroy -t "$DATABRICKS_TARGET" --auto-approve) ||
    echo "bundle destroy failed (the job stays in the workspace if the workspace is not in this group)" >&2
fi

echo "==> deleting resource group $RESOURCE_GROUP"
az group delete -n "$RESOURCE_GROUP" --yes

if [[ -n "$VAULT" && "$KEEP_VAULT" != 1 ]]; then
  echo "==> purging soft-deleted Key Vault $VAULT"
  az keyvault purge -n "$VAULT" -o none 2>/dev/null ||
    echo "could not purge $VAULT (purge protection on, or already purged); it expires after its retention period" >&2
fi
echo "done"
