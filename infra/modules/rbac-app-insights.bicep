// Role assignments on one Application Insights component.
// Role names resolve through role-definitions.json (built-in role ids are the same in every tenant).
import { roleAssignment } from 'types.bicep'

param appInsightsName string

resource target 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
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
