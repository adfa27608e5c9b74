// pos-lakehouse platform: Function App (Flex Consumption, Node 20) with identity-based connections, the
// ADLS Gen2 lake, host storage, Event Hubs, Application Insights + Log Analytics, Key Vault, Data Factory
// with the batch-load pipeline, and optionally an Azure Databricks workspace. Deployed into an existing
// resource group by infra/deploy.sh (see infra/README.md).
//
// No keys anywhere: storage accounts refuse shared keys, Event Hubs refuses SAS, Application Insights
// refuses instrumentation-key ingestion; every caller authenticates with a managed identity holding the
// least role it needs (role assignments at the end of this file).

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(10)
@description('Short environment name (dev, test, prod); part of every resource name.')
param environmentName string

param location string = resourceGroup().location

param tags object = {}

@description('Event Hubs tier. Standard or above (Basic has no extra consumer groups).')
@allowed(['Standard', 'Premium'])
param eventHubSku string = 'Standard'

@minValue(1)
@maxValue(32)
@description('Partitions of the POS hub (partition key = storeId). Cannot be changed later on Standard.')
param eventHubPartitionCount int = 4

@minValue(1)
@maxValue(7)
param eventHubRetentionDays int = 7

@description('Consumer group of the ingest function (part of the exactly-once txn appId: do not rename once data landed).')
param eventHubConsumerGroup string = 'ingest'

@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_RAGRS'])
param lakeStorageSku string = 'Standard_ZRS'

@minValue(40)
@maxValue(1000)
param functionMaximumInstanceCount int = 100

@allowed([512, 2048, 4096])
param functionInstanceMemoryMB int = 2048

@secure()
@description('HMAC key for customer ids (at least 16 characters). deploy.sh passes a generated key on the first deployment only; empty keeps the secret already in Key Vault.')
param pseudonymizationKey string = ''

@secure()
@description('Optional Databricks personal access token; without one the app calls Databricks with its managed identity.')
param databricksToken string = ''

@description('A Databricks token secret already exists in Key Vault (from an earlier deployment): keep referencing it.')
param databricksTokenInVault bool = false

@description('Create an Azure Databricks workspace (Premium) and a lake access connector.')
param deployDatabricksWorkspace bool = false

@description('Existing workspace URL (https://adb-….azuredatabricks.net) when deployDatabricksWorkspace is false; empty = none.')
param databricksWorkspaceUrl string = ''

@minValue(0)
@description('Job id of the bundle job pos_transforms (from `databricks bundle summary`); 0 = not deployed yet, the transform runs in the app (DuckDB).')
param databricksJobId int = 0

@allowed(['local', 'adf'])
@description('Batch-load engine: local = the loader in the app reads LANDING_URL; adf = the Data Factory pipeline copies landing → raw, then the app loads RAW_URL into Bronze.')
param pipelineLoadEngine string = 'local'

@description('Source system folder in the landing container (ADF `source` parameter).')
param batchSource string = 'pos-backoffice'

@description('NCRONTAB (6 fields, UTC) of the nightly batch pipeline.')
param pipelineNightlySchedule string = '0 0 2 * * *'

param maintenanceBronzeCompactSchedule string = '0 5 * * * *'
param maintenanceGoldCompactSchedule string = '0 30 4 * * *'
param maintenanceVacuumSchedule string = '0 0 5 * * *'

@description('Object ids of operators (the deploying user) who upload landing files and send test events: Storage Blob Data Contributor on the lake, Azure Event Hubs Data Sender on the hub.')
param operatorPrincipalIds string[] = []

@allowed(['User', 'Group', 'ServicePrincipal'])
param operatorPrincipalType string = 'User'

@description('Object ids of POS gateways / producers that send to the hub (Azure Event Hubs Data Sender).')
param eventProducerPrincipalIds string[] = []

@description('Purge protection on Key Vault (irreversible; the vault name stays reserved after teardown).')
param keyVaultPurgeProtection bool = false

@description('HTTP route of the KPI dashboard served by the app (printed as dashboardUrl).')
param dashboardRoute string = 'dashboard'

// ---------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------

var token = take(uniqueString(subscription().id, resourceGroup().id, environmentName), 13)
var names = {
  logAnalytics: 'log-pos-${environmentName}-${token}'
  appInsights: 'appi-pos-${environmentName}-${token}'
  lakeStorage: 'stlake${token}'
  hostStorage: 'sthost${token}'
  eventHubNamespace: 'evhns-pos-${environmentName}-${token}'
  eventHub: 'pos-events'
  keyVault: 'kv-pos-${token}'
  dataFactory: 'adf-pos-${environmentName}-${token}'
  plan: 'plan-pos-${environmentName}-${token}'
  functionApp: 'func-pos-${environmentName}-${token}'
  databricks: 'dbw-pos-${environmentName}-${token}'
  databricksManagedRg: 'rg-dbw-pos-${environmentName}-${token}-managed'
}
var allTags = union({ application: 'pos-lakehouse', environment: environmentName }, tags)

// Lake layout: one root container holding every table (bronze/…, silver/…, gold/…, ops/…, as in
// ARCHITECTURE.md §3.2), the landing zone the back offices write to, and the raw zone ADF copies into.
var lakeContainer = 'lake'
var landingContainer = 'landing'
var rawContainer = 'raw'
var deploymentContainer = 'app-package'
var lakeDfsHost = '${names.lakeStorage}.dfs.${environment().suffixes.storage}'

// ---------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: allTags
  }
}

module lake 'modules/storage-account.bicep' = {
  name: 'lake-storage'
  params: {
    name: names.lakeStorage
    location: location
    tags: allTags
    isHnsEnabled: true
    skuName: lakeStorageSku
    containerNames: [lakeContainer, landingContainer, rawContainer]
  }
}

module hostStorage 'modules/storage-account.bicep' = {
  name: 'host-storage'
  params: {
    name: names.hostStorage
    location: location
    tags: allTags
    isHnsEnabled: false
    containerNames: [deploymentContainer]
  }
}

module eventHubs 'modules/event-hubs.bicep' = {
  name: 'event-hubs'
  params: {
    namespaceName: names.eventHubNamespace
    location: location
    tags: allTags
    skuName: eventHubSku
    eventHubName: names.eventHub
    partitionCount: eventHubPartitionCount
    retentionDays: eventHubRetentionDays
    consumerGroupName: eventHubConsumerGroup
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: names.keyVault
    location: location
    tags: allTags
    enablePurgeProtection: keyVaultPurgeProtection
    pseudonymizationKey: pseudonymizationKey
    databricksToken: databricksToken
  }
}

module dataFactory 'modules/data-factory.bicep' = {
  name: 'data-factory'
  params: {
    name: names.dataFactory
    location: location
    tags: allTags
    lakeDfsEndpoint: lake.outputs.dfsEndpoint
  }
}

module databricks 'modules/databricks-workspace.bicep' = if (deployDatabricksWorkspace) {
  name: 'databricks'
  params: {
    name: names.databricks
    location: location
    tags: allTags
    managedResourceGroupName: names.databricksManagedRg
  }
}

// Read where the setting is assembled rather than passed around as a module output.
resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: names.appInsights
}

var databricksUrl = deployDatabricksWorkspace ? databricks.outputs.workspaceUrl : databricksWorkspaceUrl
var useDatabricks = !empty(databricksUrl) && databricksJobId > 0
var useDatabricksToken = !empty(databricksToken) || databricksTokenInVault

// ---------------------------------------------------------------------------------------------------
// App settings. Every setting the code reads (shared/config/config.ts, SETTING_NAMES) is set here under
// the same name, except the few test/unit/infra/app-settings.test.ts lists with the reason they stay
// unset in Azure; the only other keys are the platform settings listed there. Keep one key per line:
// the test reads the keys of every `var …AppSettings` object below.
// ---------------------------------------------------------------------------------------------------

var platformAppSettings = {
  AzureWebJobsStorage__accountName: hostStorage.outputs.name
  PosEventHubConnection__fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  // Worker V8 young generation for batch landing (shared/config/worker-node-options.ts).
  NODE_OPTIONS: '--max-semi-space-size=64'
}

var storageAppSettings = {
  LAKE_URL: 'abfss://${lakeContainer}@${lakeDfsHost}/'
  LANDING_URL: 'abfss://${landingContainer}@${lakeDfsHost}/${batchSource}'
  RAW_URL: 'abfss://${rawContainer}@${lakeDfsHost}/'
  LAKEHOUSE_SESSION_TIME_ZONE: 'UTC'
}

var ingestAppSettings = {
  POS_EVENTHUB_NAME: eventHubs.outputs.eventHubName
  POS_EVENTHUB_CONSUMER_GROUP: eventHubs.outputs.consumerGroupName
  INGEST_MAX_EVENT_BYTES: '262144'
  INGEST_MAX_HTTP_BODY_BYTES: '4194304'
  INGEST_MAX_HTTP_EVENTS: '10000'
  INGEST_FUTURE_TOLERANCE_SECONDS: '300'
  INGEST_MAX_EVENT_AGE_DAYS: '400'
  PSEUDONYMIZATION_KEY: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.pseudonymizationKeySecretUri})'
}

var maintenanceAppSettings = {
  MAINTENANCE_BRONZE_COMPACT_SCHEDULE: maintenanceBronzeCompactSchedule
  MAINTENANCE_GOLD_COMPACT_SCHEDULE: maintenanceGoldCompactSchedule
  MAINTENANCE_VACUUM_SCHEDULE: maintenanceVacuumSchedule
  BRONZE_TARGET_FILE_SIZE_BYTES: '134217728'
  GOLD_TARGET_FILE_SIZE_BYTES: '33554432'
  MAINTENANCE_MAX_BYTES_PER_RUN: '2147483648'
}

var pipelineAppSettings = {
  PIPELINE_NIGHTLY_SCHEDULE: pipelineNightlySchedule
  PIPELINE_LOAD_ENGINE: pipelineLoadEngine
  PIPELINE_TRANSFORM_ENGINE: useDatabricks ? 'databricks' : 'local'
  ADF_SUBSCRIPTION_ID: subscription().subscriptionId
  ADF_RESOURCE_GROUP: resourceGroup().name
  ADF_FACTORY_NAME: dataFactory.outputs.name
  ADF_SOURCE: batchSource
}

// Optional settings are left out (not set to '') when unknown: the schema rejects an empty URL or job id.
var databricksWorkspaceAppSettings = empty(databricksUrl) ? {} : {
  DATABRICKS_WORKSPACE_URL: databricksUrl
}

var databricksJobAppSettings = databricksJobId > 0 ? {
  DATABRICKS_JOB_ID: string(databricksJobId)
} : {}

var databricksTokenAppSettings = useDatabricksToken ? {
  DATABRICKS_TOKEN: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.databricksTokenSecretUri})'
} : {}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: allTags
    hostStorageAccountName: hostStorage.outputs.name
    deploymentContainerName: deploymentContainer
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    appSettings: union(platformAppSettings, storageAppSettings, ingestAppSettings, maintenanceAppSettings, pipelineAppSettings, databricksWorkspaceAppSettings, databricksJobAppSettings, databricksTokenAppSettings)
  }
  dependsOn: [monitoring]
}

// ---------------------------------------------------------------------------------------------------
// Role assignments (least privilege; role names resolve through modules/role-definitions.json)
// ---------------------------------------------------------------------------------------------------

var operatorLakeGrants = [
  for id in operatorPrincipalIds: { principalId: id, role: 'Storage Blob Data Contributor', principalType: operatorPrincipalType }
]
var operatorSenderGrants = [
  for id in operatorPrincipalIds: { principalId: id, role: 'Azure Event Hubs Data Sender', principalType: operatorPrincipalType }
]
var producerSenderGrants = [
  for id in eventProducerPrincipalIds: { principalId: id, role: 'Azure Event Hubs Data Sender', principalType: 'ServicePrincipal' }
]
var databricksLakeGrants = deployDatabricksWorkspace ? [{ principalId: databricks.outputs.accessConnectorPrincipalId, role: 'Storage Blob Data Contributor' }] : []

// Lake: the app writes tables and reads landing; the factory copies landing → raw.
var lakeServiceGrants = [
  { principalId: functionApp.outputs.principalId, role: 'Storage Blob Data Contributor' }
  { principalId: dataFactory.outputs.principalId, role: 'Storage Blob Data Contributor' }
]

module lakeRoles 'modules/rbac-storage.bicep' = {
  name: 'rbac-lake'
  params: {
    storageAccountName: lake.outputs.name
    assignments: concat(lakeServiceGrants, databricksLakeGrants, operatorLakeGrants)
  }
}

// Host storage: deployment package + host locks (blob), Durable Functions queues and tables, Event Hub
// checkpoints (blob), the PipelineRuns table.
module hostStorageRoles 'modules/rbac-storage.bicep' = {
  name: 'rbac-host-storage'
  params: {
    storageAccountName: hostStorage.outputs.name
    assignments: [
      { principalId: functionApp.outputs.principalId, role: 'Storage Blob Data Owner' }
      { principalId: functionApp.outputs.principalId, role: 'Storage Queue Data Contributor' }
      { principalId: functionApp.outputs.principalId, role: 'Storage Table Data Contributor' }
    ]
  }
}

// The app's trigger receives; operators and POS gateways send.
var eventHubServiceGrants = [
  { principalId: functionApp.outputs.principalId, role: 'Azure Event Hubs Data Receiver' }
]

module eventHubRoles 'modules/rbac-event-hub.bicep' = {
  name: 'rbac-event-hub'
  params: {
    namespaceName: eventHubs.outputs.namespaceName
    eventHubName: eventHubs.outputs.eventHubName
    assignments: concat(eventHubServiceGrants, operatorSenderGrants, producerSenderGrants)
  }
}

// The app starts, polls and cancels batch-load runs.
module dataFactoryRoles 'modules/rbac-data-factory.bicep' = {
  name: 'rbac-data-factory'
  params: {
    factoryName: dataFactory.outputs.name
    assignments: [
      { principalId: functionApp.outputs.principalId, role: 'Data Factory Contributor' }
    ]
  }
}

// Key Vault references (PSEUDONYMIZATION_KEY, DATABRICKS_TOKEN) resolve with the app's identity.
module keyVaultRoles 'modules/rbac-key-vault.bicep' = {
  name: 'rbac-key-vault'
  params: {
    keyVaultName: keyVault.outputs.name
    assignments: [
      { principalId: functionApp.outputs.principalId, role: 'Key Vault Secrets User' }
    ]
  }
}

// Telemetry with Entra ID (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), local auth being off.
module appInsightsRoles 'modules/rbac-app-insights.bicep' = {
  name: 'rbac-app-insights'
  params: {
    appInsightsName: monitoring.outputs.appInsightsName
    assignments: [
      { principalId: functionApp.outputs.principalId, role: 'Monitoring Metrics Publisher' }
    ]
  }
}

// ---------------------------------------------------------------------------------------------------
// Outputs (names and endpoints only; never a key)
// ---------------------------------------------------------------------------------------------------

output functionAppName string = functionApp.outputs.name
output ingestUrl string = 'https://${functionApp.outputs.defaultHostName}/api/events'
output dashboardUrl string = 'https://${functionApp.outputs.defaultHostName}/api/${dashboardRoute}'
output pipelineRunsUrl string = 'https://${functionApp.outputs.defaultHostName}/api/pipeline/runs'
output eventHubNamespace string = eventHubs.outputs.fullyQualifiedNamespace
output eventHubName string = eventHubs.outputs.eventHubName
output eventHubConsumerGroup string = eventHubs.outputs.consumerGroupName
output lakeStorageAccountName string = lake.outputs.name
output lakeUrl string = storageAppSettings.LAKE_URL
output landingUrl string = storageAppSettings.LANDING_URL
output keyVaultName string = keyVault.outputs.name
output dataFactoryName string = dataFactory.outputs.name
output appInsightsName string = monitoring.outputs.appInsightsName
output databricksWorkspaceUrl string = databricksUrl
output databricksJobId int = databricksJobId
output databricksAccessConnectorId string = deployDatabricksWorkspace ? databricks.outputs.accessConnectorId : ''
output pipelineTransformEngine string = pipelineAppSettings.PIPELINE_TRANSFORM_ENGINE
