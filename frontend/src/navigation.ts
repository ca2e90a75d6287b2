/**
 * The app's menu: the pages in groups (issue #20), each page with the feature a role needs to be
 * offered it (access.ts). The router's routes carry their own titles (router.ts); this only says
 * where a page sits in the menu.
 */
import type { Component } from 'vue'
import {
  Aim,
  Avatar,
  Briefcase,
  Calendar,
  ChatDotRound,
  Checked,
  Collection,
  Connection,
  DataAnalysis,
  DataBoard,
  DataLine,
  Document,
  EditPen,
  Histogram,
  Key,
  Files,
  List,
  Location,
  Lock,
  MagicStick,
  Money,
  Notebook,
  OfficeBuilding,
  PieChart,
  Reading,
  School,
  Setting,
  SetUp,
  Share,
  Stamp,
  Sunny,
  Tickets,
  Timer,
  TrendCharts,
  Upload,
  User,
  UserFilled,
  Wallet,
} from '@element-plus/icons-vue'
import type { Feature } from './access'
import type { WorkItemKind } from './gql/graphql'

export interface NavItem {
  /** The page's path, also its test id: `nav-${path without the leading slash}`. */
  path: string
  icon: Component
  /** i18n key of the label. */
  label: string
  feature?: Feature
  /** The workbench items whose counts (summed) the menu shows beside the entry. */
  count?: WorkItemKind[]
}

export interface NavGroup {
  key: string
  icon: Component
  items: NavItem[]
}

/**
 * 工作台 holds the workbench (what needs one now, with counts), one's own record and the to-dos
 * other people give one (approvals, ratings, interviews), each with its count; one's own pages of
 * a domain (my attendance, my payslips, …) sit in that domain's group, beside the HR pages of it.
 */
export const NAV_GROUPS: NavGroup[] = [
  {
    key: 'workbench',
    icon: DataBoard,
    items: [
      { path: '/workbench', icon: DataBoard, label: 'nav.workbench' },
      { path: '/me', icon: User, label: 'nav.me' },
      { path: '/approvals', icon: Stamp, label: 'nav.approvals', feature: 'approvals', count: ['APPROVALS'] },
      { path: '/my-reviews', icon: EditPen, label: 'nav.myReviews', feature: 'myReviews', count: ['RATINGS'] },
      { path: '/my-interviews', icon: ChatDotRound, label: 'nav.myInterviews', feature: 'myInterviews', count: ['INTERVIEWS', 'SCORECARDS'] },
    ],
  },
  {
    key: 'people',
    icon: OfficeBuilding,
    items: [
      { path: '/org', icon: OfficeBuilding, label: 'nav.org' },
      { path: '/employees', icon: UserFilled, label: 'nav.employees' },
      { path: '/positions', icon: Collection, label: 'nav.positions', feature: 'positions' },
      { path: '/contracts', icon: Tickets, label: 'nav.contracts', feature: 'contracts', count: ['CONTRACTS', 'PROBATIONS'] },
    ],
  },
  {
    key: 'attendance',
    icon: Calendar,
    items: [
      { path: '/clock-in', icon: Location, label: 'nav.clockIn', feature: 'clockIn' },
      { path: '/my-attendance', icon: Calendar, label: 'nav.myAttendance', feature: 'myAttendance' },
      { path: '/leave', icon: Sunny, label: 'nav.leave', feature: 'leave' },
      { path: '/attendance-sheet', icon: Tickets, label: 'nav.attendanceSheet', feature: 'attendanceSheet' },
      { path: '/leave-overview', icon: Sunny, label: 'nav.leaveOverview', feature: 'leaveOverview' },
      { path: '/attendance-rules', icon: Timer, label: 'nav.attendanceRules', feature: 'attendanceRules' },
      { path: '/punch-import', icon: Upload, label: 'nav.punchImport', feature: 'punchImport' },
    ],
  },
  {
    key: 'pay',
    icon: Money,
    items: [
      { path: '/payslips', icon: Tickets, label: 'nav.payslips', feature: 'payslips' },
      { path: '/payroll', icon: Files, label: 'nav.payroll', feature: 'payroll' },
      { path: '/salary-structures', icon: Files, label: 'nav.salaryStructures', feature: 'payroll' },
      { path: '/payroll-openings', icon: Files, label: 'nav.payrollOpenings', feature: 'payrollOpenings' },
      { path: '/social-insurance', icon: Wallet, label: 'nav.socialInsurance', feature: 'policyTables' },
      { path: '/income-tax', icon: Wallet, label: 'nav.incomeTax', feature: 'policyTables' },
      { path: '/pay', icon: Money, label: 'nav.pay', feature: 'pay' },
    ],
  },
  {
    key: 'performance',
    icon: TrendCharts,
    items: [
      { path: '/dashboard', icon: TrendCharts, label: 'nav.dashboard', feature: 'dashboard' },
      { path: '/my-kpis', icon: DataLine, label: 'nav.myKpis', feature: 'myKpis' },
      { path: '/assessments', icon: List, label: 'nav.assessments', feature: 'assessments', count: ['ASSESSMENTS'] },
      { path: '/kpis', icon: Histogram, label: 'nav.kpis', feature: 'kpis' },
      { path: '/period-close', icon: Lock, label: 'nav.periodClose', feature: 'periodClose' },
      { path: '/trigger-rules', icon: MagicStick, label: 'nav.triggerRules', feature: 'triggerRules' },
      { path: '/external-events', icon: Notebook, label: 'nav.externalEvents', feature: 'externalEvents' },
    ],
  },
  {
    key: 'capability',
    icon: Aim,
    items: [
      { path: '/my-capabilities', icon: Aim, label: 'nav.myCapabilities', feature: 'myCapabilities' },
      { path: '/skill-tests', icon: Reading, label: 'nav.skillTests', feature: 'skillTests' },
      { path: '/capability-analysis', icon: DataAnalysis, label: 'nav.capabilityAnalysis', feature: 'capabilityAnalysis' },
      { path: '/competencies', icon: Collection, label: 'nav.competencies', feature: 'competencyFramework' },
    ],
  },
  {
    key: 'training',
    icon: School,
    items: [
      { path: '/my-learning', icon: School, label: 'nav.myLearning', feature: 'myLearning' },
      { path: '/recommended-courses', icon: MagicStick, label: 'nav.recommendedCourses', feature: 'recommendedCourses' },
      { path: '/courses', icon: Notebook, label: 'nav.courses', feature: 'courses' },
      { path: '/training-plans', icon: Wallet, label: 'nav.trainingPlans', feature: 'trainingPlans' },
      { path: '/training-rules', icon: SetUp, label: 'nav.trainingRules', feature: 'trainingRules' },
      { path: '/trainers', icon: Avatar, label: 'nav.trainers', feature: 'trainers' },
      { path: '/attendance', icon: Checked, label: 'nav.attendance', feature: 'attendance' },
    ],
  },
  {
    key: 'recruitment',
    icon: Briefcase,
    items: [{ path: '/recruitment', icon: Briefcase, label: 'nav.recruitment', feature: 'recruitment' }],
  },
  {
    key: 'reports',
    icon: PieChart,
    items: [
      { path: '/reports/training-effect', icon: PieChart, label: 'nav.trainingReport', feature: 'trainingReport' },
      { path: '/reports/hr', icon: Histogram, label: 'nav.hrReports', feature: 'hrReports' },
      { path: '/my-exports', icon: Lock, label: 'nav.myExports', feature: 'sensitiveExports' },
    ],
  },
  {
    key: 'settings',
    icon: Setting,
    items: [
      { path: '/approval-flows', icon: Share, label: 'nav.approvalFlows', feature: 'approvalFlows' },
      { path: '/roles', icon: Key, label: 'nav.roles', feature: 'roles' },
      { path: '/work-calendar', icon: Calendar, label: 'nav.workCalendar', feature: 'policyTables' },
      { path: '/import', icon: Upload, label: 'nav.import', feature: 'import' },
      { path: '/accounts', icon: Key, label: 'nav.accounts', feature: 'accounts' },
      { path: '/api-tokens', icon: Connection, label: 'nav.apiTokens', feature: 'apiTokens' },
      { path: '/audit-log', icon: Document, label: 'nav.auditLog', feature: 'auditLog' },
    ],
  },
]

/** The group and item a path belongs to (a page under an item's path belongs to the item). */
export function navItemFor(groups: NavGroup[], path: string): { group: NavGroup; item: NavItem } | null {
  for (const group of groups) {
    for (const item of group.items) {
      if (path === item.path || path.startsWith(`${item.path}/`)) return { group, item }
    }
  }
  return null
}
