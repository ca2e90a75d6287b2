/**
 * Which screens and buttons a signed-in person is offered. The server decides what anyone may
 * read and change, and says what it offers in `me { features }` (access/features.py: the union
 * over every role grant); `useFeatures().can(…)` reads it. `canUse`, by the role saved at sign-in,
 * only bridges the moment before `me` answers.
 */
import { computed } from 'vue'
import { useQuery } from '@urql/vue'
import { graphql } from './gql'
import { session } from './auth'
import type { OrgUnitType, Role } from './gql/graphql'

export type Feature =
  | 'dashboard'
  | 'myKpis'
  | 'assessments'
  | 'pay'
  | 'import'
  | 'myReviews'
  | 'myCapabilities'
  | 'skillTests'
  | 'capabilityAnalysis'
  | 'competencyFramework'
  | 'courses'
  | 'myLearning'
  | 'recommendedCourses'
  | 'trainingPlans'
  | 'trainingRules'
  | 'trainers'
  | 'attendance'
  | 'trainingReport'
  | 'hrReports'
  | 'contracts'
  | 'clockIn'
  | 'myAttendance'
  | 'leave'
  | 'attendanceSheet'
  | 'leaveOverview'
  | 'payslips'
  | 'payroll'
  | 'payrollOpenings'
  | 'approvals'
  | 'approvalFlows'
  | 'recruitment'
  | 'myInterviews'
  | 'sensitiveExports'
  | 'roles'
  | 'policyTables'
  | 'positions'
  | 'accounts'
  | 'kpis'
  | 'triggerRules'
  | 'periodClose'
  | 'externalEvents'
  | 'attendanceRules'
  | 'punchImport'
  | 'apiTokens'
  | 'auditLog'

export interface AccessViewer {
  role: Role
  /** The type of the subtree a manager or branch HR is responsible for. */
  scopeUnitType?: OrgUnitType | null
  /** Whether the account has an employee record; unknown (undefined) until `me` is loaded. */
  hasEmployee?: boolean
}

const HR_ROLES: readonly Role[] = ['ADMIN', 'HQ_HR', 'BRANCH_HR']

/** Who reads the training-effect report (the server's REPORT_ROLES: not the admin account). */
const REPORT_ROLES: readonly Role[] = ['HQ_HR', 'BRANCH_HR', 'MANAGER', 'EXECUTIVE']

/** Screens about one's own record: for anyone who is an employee (the admin account is not). */
const OWN_FEATURES: readonly Feature[] = [
  'myReviews',
  'myCapabilities',
  'skillTests',
  'myLearning',
  'recommendedCourses',
  'clockIn',
  'myAttendance',
  'leave',
  'payslips',
  // My interviews: anyone may be an interviewer (the list is empty otherwise).
  'myInterviews',
]

/** Who reads a unit's monthly attendance sheet: HR and managers (the admin account reads no work data). */
const SHEET_ROLES: readonly Role[] = ['HQ_HR', 'BRANCH_HR', 'MANAGER']

/** The menu by the primary role: only until `me { features }` answers (useFeatures, AppLayout). */
export function canUse(feature: Feature, viewer: AccessViewer): boolean {
  const { role } = viewer
  if (OWN_FEATURES.includes(feature)) return viewer.hasEmployee ?? role !== 'ADMIN'
  if (feature === 'trainingReport' || feature === 'hrReports') return REPORT_ROLES.includes(role)
  // My approvals: anyone may be an approver or a delegate (the admin account decides nothing).
  if (feature === 'approvals') return role !== 'ADMIN'
  // Approval flows: HR of a branch edits its own, HQ HR every one (the server checks the unit).
  if (feature === 'approvalFlows') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // Contract expiries are for the HR in charge (the admin account manages no employees).
  if (feature === 'contracts') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // Recruitment: HR in scope run it, a team lead raises requisitions and follows the hiring.
  if (feature === 'recruitment') return SHEET_ROLES.includes(role)
  if (feature === 'attendanceSheet') return SHEET_ROLES.includes(role)
  // The leave overview: HR of their scope, a team lead of their team (the people read at WORK).
  if (feature === 'leaveOverview') return SHEET_ROLES.includes(role)
  // Payroll runs and salary structures: HR who run pay (the server's can_manage_employees_in).
  if (feature === 'payroll') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // Opening payroll figures of a company moving in mid-year: HR who run pay (setPayrollOpening).
  if (feature === 'payrollOpenings') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // Sensitive-data exports: HR of a unit asks for them (the server checks the unit, approval first).
  if (feature === 'sensitiveExports') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // Roles and grants: HQ HR defines custom roles and grants every role (roles/service.py).
  if (feature === 'roles') return role === 'HQ_HR'
  // Social insurance tables and the work calendar: HR read them, HQ HR changes them (the server decides).
  if (feature === 'policyTables') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // The position catalogue: HR read it; HQ HR keeps it (the server's createPosition).
  if (feature === 'positions') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // Training target rules: HR read them; HQ HR keeps them (the server's createTrainingTargetRule).
  if (feature === 'trainingRules') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // The trainer register: HQ HR keeps the company's trainers, branch HR its branch's (createTrainer).
  if (feature === 'trainers') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // Sign-in accounts: the administrator and HQ HR (the server's can_manage_accounts).
  if (feature === 'accounts') return role === 'ADMIN' || role === 'HQ_HR'
  // KPIs and targets: HR in scope, and a manager for their team (the server's can_direct_in).
  if (feature === 'kpis') return role === 'HQ_HR' || role === 'BRANCH_HR' || role === 'MANAGER'
  // Closing a month: HQ HR for the company, HR for a unit it manages (closePerformancePeriod).
  if (feature === 'periodClose') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // Trigger rules and external events: HR of the unit (company-wide rules: HQ HR).
  if (feature === 'triggerRules' || feature === 'externalEvents') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // Attendance rule sets and clock-in places: HR of a unit keeps its own, HQ HR regions and the
  // default (saveAttendanceRuleSet); punch files: HR who manage people (importPunches).
  if (feature === 'attendanceRules' || feature === 'punchImport') return role === 'HQ_HR' || role === 'BRANCH_HR'
  // API tokens: anyone signed in with a password makes their own (accounts/api_tokens.py).
  if (feature === 'apiTokens') return true
  // The audit trail: HQ HR only (the server's auditLog).
  if (feature === 'auditLog') return role === 'HQ_HR'
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
    case 'capabilityAnalysis':
      return role === 'MANAGER' || role === 'EXECUTIVE'
    case 'courses':
      // The course library is open to everyone signed in.
      return true
    case 'trainingPlans':
      return role === 'MANAGER' || role === 'EXECUTIVE'
    case 'attendance':
      // HR or the learners' manager marks who came.
      return role === 'MANAGER'
    default:
      // import, competencyFramework: HR only
      return false
  }
}

/**
 * Actions on a page (buttons, not menu entries) the server offers in `me { features }` from the
 * operations of every grant the person holds (access/features.py ACTIONS): a custom role with the
 * operation gets the button as the built-in role does. The server still refuses what it refuses;
 * a hidden button only spares the person a refusal.
 */
export type Action =
  | 'editFramework' // the competency framework itself: HQ HR
  | 'setRequiredLevels' // required levels where one manages (HQ HR: also company-wide)
  | 'calibrate' // calibrates scores where one manages
  | 'recruit' // runs recruitment (postings, candidates, offers, the hire) where one manages and directs
  | 'editEmployees' // hires and edits records where one manages
  | 'manageAccounts' // sign-in accounts: the administrator and HQ HR
  | 'setTimeZones' // the company's and a unit's time zone: HQ HR

/** Who is signed in and what they are offered; AppLayout and every `useFeatures` share its answer. */
export const ViewerQuery = graphql(`
  query Viewer {
    me {
      role
      language
      companyTimeZone
      user {
        id
        username
      }
      employee {
        id
        name
      }
      scopeUnit {
        id
        type
      }
      features
    }
  }
`)

/**
 * The features and actions the server offers the signed-in person (every grant, not the primary
 * role). `can(name)`: a menu feature goes by the role saved at sign-in until `me` answers; an
 * action is not offered until then (a button appearing late beats one the server refuses).
 */
export function useFeatures() {
  const viewer = useQuery({ query: ViewerQuery, requestPolicy: 'cache-first' })
  const me = computed(() => viewer.data.value?.me ?? null)
  const features = computed<ReadonlySet<string> | null>(() => (me.value ? new Set(me.value.features) : null))
  function can(name: Feature | Action): boolean {
    if (features.value) return features.value.has(name)
    if (ACTIONS.has(name)) return false
    return Boolean(session.role && canUse(name as Feature, { role: session.role }))
  }
  return { can, me, features, fetching: viewer.fetching }
}

const ACTIONS: ReadonlySet<string> = new Set<Action>([
  'editFramework',
  'setRequiredLevels',
  'calibrate',
  'recruit',
  'editEmployees',
  'manageAccounts',
  'setTimeZones',
])
