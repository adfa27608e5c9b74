// Role assignments on one event hub (not the whole namespace).
// Role names resolve through role-definitions.json (built-in role ids are the same in every tenant).
import { roleAssignment } from 'types.bicep'

param namespaceName string
param eventHubName string

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource target 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = {
  parent: namespace
  name: eventHubName
}

param assignments roleAssignment[]

var roleIds = loadJsonContent('role-definitions.json')

resource grants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in assignments: {
    name: guid(target.id, a.principalId, roleIds[a.role])
    scope: target
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[a.role])
      principalId: a.principalId
      principalType: a.?principalType ?? 'ServicePrincipal'
      description: '${a.role} for pos-lakehouse'
    }
  }
]
