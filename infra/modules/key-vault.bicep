// Key Vault (Azure RBAC authorization) for the customer-id HMAC key and the optional Databricks PAT.
// Secrets are written through the control plane only when a value is passed (deploy.sh passes the HMAC
// key on the first deployment only), so a re-deployment never rotates the pseudonymisation key.

param name string
param location string
param tags object = {}

@description('Irreversible once on: a purged-protected vault name stays reserved for the retention period after teardown.')
param enablePurgeProtection bool = false

@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 7

@secure()
@description('HMAC key for customer ids; empty = keep the secret already in the vault.')
param pseudonymizationKey string = ''

@secure()
@description('Optional Databricks PAT; empty = keep the secret already in the vault, if any.')
param databricksToken string = ''

@description('Secret name of the HMAC key (also the key a Key Vault-backed Databricks secret scope exposes to the bundle).')
param pseudonymizationKeySecretName string = 'customer-hmac-key'

param databricksTokenSecretName string = 'databricks-token'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

resource hmacSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(pseudonymizationKey)) {
  parent: vault
  name: pseudonymizationKeySecretName
  properties: {
    value: pseudonymizationKey
    contentType: 'text/plain; HMAC-SHA256 key for customer-id pseudonymisation'
  }
}

resource databricksSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(databricksToken)) {
  parent: vault
  name: databricksTokenSecretName
  properties: {
    value: databricksToken
    contentType: 'text/plain; Databricks personal access token'
  }
}

output id string = vault.id
output name string = vault.name
output vaultUri string = vault.properties.vaultUri
@description('Versionless secret URIs (a rotated secret is picked up without a redeployment).')
output pseudonymizationKeySecretUri string = '${vault.properties.vaultUri}secrets/${pseudonymizationKeySecretName}/'
output databricksTokenSecretUri string = '${vault.properties.vaultUri}secrets/${databricksTokenSecretName}/'
