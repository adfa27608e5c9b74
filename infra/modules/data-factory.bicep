// Azure Data Factory with a system-assigned identity and the batch-load pipeline, its datasets and
// linked service, loaded verbatim from infra/adf (the files shared/batch-load/adf-contract.ts and
// its test hold to the orchestration's contract). Only the linked service's `accountUrl` default is
// set here, to the lake's DFS endpoint; the factory reaches the lake with its managed identity.

param name string
param location string
param tags object = {}

@description('The lake account DFS endpoint, e.g. https://stlake.dfs.core.windows.net/')
param lakeDfsEndpoint string

var lakeLinkedService = loadJsonContent('../adf/linkedService/LakeStorage.json')
var landingDataset = loadJsonContent('../adf/dataset/LandingFiles.json')
var rawDataset = loadJsonContent('../adf/dataset/RawFiles.json')
var batchLoadPipeline = loadJsonContent('../adf/batch-load.pipeline.json')

resource factory 'Microsoft.DataFactory/factories@2018-06-01' = {
  name: name
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    publicNetworkAccess: 'Enabled'
  }
}

resource linkedService 'Microsoft.DataFactory/factories/linkedservices@2018-06-01' = {
  parent: factory
  name: lakeLinkedService.name
  properties: union(lakeLinkedService.properties, {
    parameters: {
      accountUrl: {
        type: lakeLinkedService.properties.parameters.accountUrl.type
        defaultValue: endsWith(lakeDfsEndpoint, '/') ? substring(lakeDfsEndpoint, 0, length(lakeDfsEndpoint) - 1) : lakeDfsEndpoint
      }
    }
  })
}

resource landing 'Microsoft.DataFactory/factories/datasets@2018-06-01' = {
  parent: factory
  name: landingDataset.name
  properties: landingDataset.properties
  dependsOn: [linkedService]
}

resource raw 'Microsoft.DataFactory/factories/datasets@2018-06-01' = {
  parent: factory
  name: rawDataset.name
  properties: rawDataset.properties
  dependsOn: [linkedService]
}

resource pipeline 'Microsoft.DataFactory/factories/pipelines@2018-06-01' = {
  parent: factory
  name: batchLoadPipeline.name
  properties: batchLoadPipeline.properties
  dependsOn: [landing, raw]
}

output id string = factory.id
output name string = factory.name
output principalId string = factory.identity.principalId
output pipelineName string = pipeline.name
