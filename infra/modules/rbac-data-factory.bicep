// Role assignments on one data factory.
// Role names resolve through role-definitions.json (built-in role ids are the same in every tenant).
import { roleAssignment } from 'types.bicep'

param factoryName string

resource target 'Microsoft.DataFactory/factories@2018-06-01' existing = {
  name: factoryName
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
