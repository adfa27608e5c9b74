// Optional Azure Databricks workspace (Premium: Unity Catalog, job permissions) and an access connector
// whose managed identity main.bicep grants Storage Blob Data Contributor on the lake, so a Unity Catalog
// storage credential can read and write abfss://lake@… without keys.

param name string
param location string
param tags object = {}

@description('Resource group Databricks manages for the workspace (created by the service).')
param managedResourceGroupName string

resource workspace 'Microsoft.Databricks/workspaces@2024-05-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'premium' }
  properties: {
    managedResourceGroupId: subscriptionResourceId('Microsoft.Resources/resourceGroups', managedResourceGroupName)
    publicNetworkAccess: 'Enabled'
  }
}

resource accessConnector 'Microsoft.Databricks/accessConnectors@2024-05-01' = {
  name: '${name}-lake'
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {}
}

output workspaceUrl string = 'https://${workspace.properties.workspaceUrl}'
output workspaceId string = workspace.id
output accessConnectorId string = accessConnector.id
output accessConnectorPrincipalId string = accessConnector.identity.principalId
