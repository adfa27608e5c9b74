// Role assignments on one storage account.
// Role names resolve through role-definitions.json (built-in role ids are the same in every tenant).
import { roleAssignment } from 'types.bicep'

param storageAccountName string

resource target 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
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
