// Types shared by the role-assignment modules.

@export()
@description('One built-in role for one principal; `role` is a key of role-definitions.json.')
type roleAssignment = {
  principalId: string
  role: string
  principalType: ('ServicePrincipal' | 'User' | 'Group')?
}
