/**
 * Which of the performance screens a signed-in person is offered. The server decides what
 * data anyone may read; this only keeps menus and pages to what makes sense for the role.
 */
import type { OrgUnitType, Role } from './gql/graphql'

export type Feature = 'dashboard' | 'myKpis' | 'assessments' | 'pay' | 'import'

export interface AccessViewer {
  role: Role
  /** The type of the subtree a manager or branch HR is responsible for. */
  scopeUnitType?: OrgUnitType | null
}

const HR_ROLES: readonly Role[] = ['ADMIN', 'HQ_HR', 'BRANCH_HR']

export function canUse(feature: Feature, viewer: AccessViewer): boolean {
  const { role } = viewer
  if (HR_ROLES.includes(role)) return true
  switch (feature) {
    case 'dashboard':
      return role === 'MANAGER' || role === 'EXECUTIVE'
    case 'myKpis':
      return role === 'MANAGER' || role === 'EMPLOYEE'
    case 'assessments':
      return role === 'MANAGER'
    case 'pay':
      // The boss decides on restoring pay; a branch head approves the first step of a restore.
      return role === 'EXECUTIVE' || (role === 'MANAGER' && viewer.scopeUnitType === 'BRANCH')
    case 'import':
      return false
  }
}
