// Event Hubs namespace + the POS event hub and the ingest consumer group. SAS keys are disabled
// (disableLocalAuth): producers and the Functions trigger authenticate with Microsoft Entra ID.

param namespaceName string
param location string
param tags object = {}

@allowed(['Basic', 'Standard', 'Premium'])
@description('Standard or above: Basic has no extra consumer groups and 1-day retention.')
param skuName string = 'Standard'

@minValue(1)
param capacity int = 1

param eventHubName string

@minValue(1)
@maxValue(32)
@description('Partitions of the POS hub (the partition key is the store id). Fixed after creation on Basic/Standard.')
param partitionCount int = 4

@minValue(1)
@maxValue(7)
@description('Event retention in days (Standard: at most 7).')
param retentionDays int = 7

@description('Consumer group the ingest function reads with (its Delta txn appId includes it).')
param consumerGroupName string

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: { name: skuName, tier: skuName, capacity: capacity }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    isAutoInflateEnabled: false
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionDays
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
  properties: {
    userMetadata: 'pos-lakehouse ingest function (Bronze landing)'
  }
}

output namespaceName string = namespace.name
@description('e.g. evhns-x.servicebus.windows.net: the identity-based connection of the trigger.')
output fullyQualifiedNamespace string = replace(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':443/', '')
output eventHubName string = hub.name
output consumerGroupName string = consumerGroup.name
