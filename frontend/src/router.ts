import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import { isSignedIn, session } from './auth'
import AppLayout from './components/AppLayout.vue'
import LoginView from './views/LoginView.vue'
import type { Feature } from './access'

function homeRoute(): RouteLocationRaw {
  // Every role starts on its workbench: what needs them now (issue #20).
  return { name: 'workbench' }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: LoginView,
      meta: { title: 'login.title', public: true },
    },
    {
      path: '/invite/:token',
      name: 'invite',
      component: () => import('./views/InviteView.vue'),
      props: true,
      meta: { title: 'invite.title', public: true },
    },
    {
      path: '/first-password',
      name: 'first-password',
      component: () => import('./views/FirstPasswordView.vue'),
      meta: { title: 'firstPassword.title' },
    },
    {
      path: '/',
      component: AppLayout,
      children: [
        { path: '', name: 'home', redirect: () => homeRoute() },
        {
          path: 'workbench',
          name: 'workbench',
          component: () => import('./views/WorkbenchView.vue'),
          meta: { title: 'nav.workbench' },
        },
        {
          path: 'org/:unitId?',
          name: 'org',
          component: () => import('./views/OrgView.vue'),
          meta: { title: 'nav.org' },
        },
        {
          path: 'positions',
          name: 'positions',
          component: () => import('./views/PositionsView.vue'),
          meta: { title: 'nav.positions', feature: 'positions' },
        },
        {
          path: 'employees',
          name: 'employees',
          component: () => import('./views/EmployeeListView.vue'),
          meta: { title: 'nav.employees' },
        },
        {
          path: 'employees/:id',
          name: 'employee',
          component: () => import('./views/EmployeeDetailView.vue'),
          props: true,
          meta: { title: 'nav.employee' },
        },
        {
          path: 'contracts',
          name: 'contracts',
          component: () => import('./views/ContractsView.vue'),
          meta: { title: 'nav.contracts', feature: 'contracts' },
        },
        { path: 'me', name: 'me', component: () => import('./views/MeView.vue'), meta: { title: 'nav.me' } },
        {
          path: 'payslips',
          name: 'payslips',
          component: () => import('./views/MyPayslipsView.vue'),
          meta: { title: 'nav.payslips', feature: 'payslips' },
        },
        {
          path: 'payroll',
          name: 'payroll',
          component: () => import('./views/PayrollRunsView.vue'),
          meta: { title: 'nav.payroll', feature: 'payroll' },
        },
        {
          path: 'payroll-openings',
          name: 'payroll-openings',
          component: () => import('./views/PayrollOpeningsView.vue'),
          meta: { title: 'nav.payrollOpenings', feature: 'payrollOpenings' },
        },
        {
          path: 'salary-structures',
          name: 'salary-structures',
          component: () => import('./views/SalaryStructuresView.vue'),
          meta: { title: 'nav.salaryStructures', feature: 'payroll' },
        },
        {
          path: 'social-insurance',
          name: 'social-insurance',
          component: () => import('./views/SocialInsuranceView.vue'),
          meta: { title: 'nav.socialInsurance', feature: 'policyTables' },
        },
        {
          path: 'income-tax',
          name: 'income-tax',
          component: () => import('./views/IncomeTaxView.vue'),
          meta: { title: 'nav.incomeTax', feature: 'policyTables' },
        },
        {
          path: 'work-calendar',
          name: 'work-calendar',
          component: () => import('./views/WorkCalendarView.vue'),
          meta: { title: 'nav.workCalendar', feature: 'policyTables' },
        },
        {
          path: 'dashboard',
          name: 'dashboard',
          component: () => import('./views/KpiDashboardView.vue'),
          meta: { title: 'nav.dashboard', feature: 'dashboard' },
        },
        {
          path: 'my-kpis',
          name: 'my-kpis',
          component: () => import('./views/MyKpisView.vue'),
          meta: { title: 'nav.myKpis', feature: 'myKpis' },
        },
        {
          path: 'kpis',
          name: 'kpis',
          component: () => import('./views/KpisView.vue'),
          meta: { title: 'nav.kpis', feature: 'kpis' },
        },
        {
          path: 'period-close',
          name: 'period-close',
          component: () => import('./views/PeriodCloseView.vue'),
          meta: { title: 'nav.periodClose', feature: 'periodClose' },
        },
        {
          path: 'trigger-rules',
          name: 'trigger-rules',
          component: () => import('./views/TriggerRulesView.vue'),
          meta: { title: 'nav.triggerRules', feature: 'triggerRules' },
        },
        {
          path: 'external-events',
          name: 'external-events',
          component: () => import('./views/ExternalEventsView.vue'),
          meta: { title: 'nav.externalEvents', feature: 'externalEvents' },
        },
        {
          path: 'assessments',
          name: 'assessments',
          component: () => import('./views/AssessmentsView.vue'),
          meta: { title: 'nav.assessments', feature: 'assessments' },
        },
        {
          path: 'my-reviews/:taskId?',
          name: 'my-reviews',
          component: () => import('./views/MyReviewsView.vue'),
          meta: { title: 'nav.myReviews', feature: 'myReviews' },
        },
        {
          path: 'my-capabilities',
          name: 'my-capabilities',
          component: () => import('./views/MyCapabilitiesView.vue'),
          meta: { title: 'nav.myCapabilities', feature: 'myCapabilities' },
        },
        {
          path: 'skill-tests/:testId?',
          name: 'skill-tests',
          component: () => import('./views/SkillTestsView.vue'),
          meta: { title: 'nav.skillTests', feature: 'skillTests' },
        },
        {
          path: 'capability-analysis',
          name: 'capability-analysis',
          component: () => import('./views/CapabilityAnalysisView.vue'),
          meta: { title: 'nav.capabilityAnalysis', feature: 'capabilityAnalysis' },
        },
        {
          path: 'competencies',
          name: 'competencies',
          component: () => import('./views/CompetencyFrameworkView.vue'),
          meta: { title: 'nav.competencies', feature: 'competencyFramework' },
        },
        {
          path: 'courses/:courseId?',
          name: 'courses',
          component: () => import('./views/CourseCatalogueView.vue'),
          meta: { title: 'nav.courses', feature: 'courses' },
        },
        {
          path: 'my-learning/:enrollmentId?/:step(exam)?',
          name: 'my-learning',
          component: () => import('./views/MyLearningView.vue'),
          meta: { title: 'nav.myLearning', feature: 'myLearning' },
        },
        {
          path: 'recommended-courses/:courseId?',
          name: 'recommended-courses',
          component: () => import('./views/RecommendedCoursesView.vue'),
          meta: { title: 'nav.recommendedCourses', feature: 'recommendedCourses' },
        },
        {
          path: 'training-plans',
          name: 'training-plans',
          component: () => import('./views/TrainingPlansView.vue'),
          meta: { title: 'nav.trainingPlans', feature: 'trainingPlans' },
        },
        {
          path: 'training-rules',
          name: 'training-rules',
          component: () => import('./views/TrainingRulesView.vue'),
          meta: { title: 'nav.trainingRules', feature: 'trainingRules' },
        },
        {
          path: 'trainers',
          name: 'trainers',
          component: () => import('./views/TrainersView.vue'),
          meta: { title: 'nav.trainers', feature: 'trainers' },
        },
        {
          path: 'attendance',
          name: 'attendance',
          component: () => import('./views/AttendanceView.vue'),
          meta: { title: 'nav.attendance', feature: 'attendance' },
        },
        {
          path: 'clock-in',
          name: 'clock-in',
          component: () => import('./views/ClockInView.vue'),
          meta: { title: 'nav.clockIn', feature: 'clockIn' },
        },
        {
          path: 'my-attendance',
          name: 'my-attendance',
          component: () => import('./views/MyAttendanceView.vue'),
          meta: { title: 'nav.myAttendance', feature: 'myAttendance' },
        },
        {
          path: 'attendance-sheet',
          name: 'attendance-sheet',
          component: () => import('./views/AttendanceSheetView.vue'),
          meta: { title: 'nav.attendanceSheet', feature: 'attendanceSheet' },
        },
        {
          path: 'leave-overview',
          name: 'leave-overview',
          component: () => import('./views/LeaveOverviewView.vue'),
          meta: { title: 'nav.leaveOverview', feature: 'leaveOverview' },
        },
        {
          path: 'approvals',
          name: 'approvals',
          component: () => import('./views/ApprovalsView.vue'),
          meta: { title: 'nav.approvals', feature: 'approvals' },
        },
        {
          path: 'my-exports',
          name: 'my-exports',
          component: () => import('./views/MyExportsView.vue'),
          meta: { title: 'nav.myExports', feature: 'sensitiveExports' },
        },
        {
          path: 'roles',
          name: 'roles',
          component: () => import('./views/RolesView.vue'),
          meta: { title: 'nav.roles', feature: 'roles' },
        },
        {
          path: 'attendance-rules',
          name: 'attendance-rules',
          component: () => import('./views/AttendanceRulesView.vue'),
          meta: { title: 'nav.attendanceRules', feature: 'attendanceRules' },
        },
        {
          path: 'punch-import',
          name: 'punch-import',
          component: () => import('./views/PunchImportView.vue'),
          meta: { title: 'nav.punchImport', feature: 'punchImport' },
        },
        {
          path: 'api-tokens',
          name: 'api-tokens',
          component: () => import('./views/ApiTokensView.vue'),
          meta: { title: 'nav.apiTokens', feature: 'apiTokens' },
        },
        {
          path: 'audit-log',
          name: 'audit-log',
          component: () => import('./views/AuditLogView.vue'),
          meta: { title: 'nav.auditLog', feature: 'auditLog' },
        },
        {
          path: 'accounts',
          name: 'accounts',
          component: () => import('./views/AccountsView.vue'),
          meta: { title: 'nav.accounts', feature: 'accounts' },
        },
        {
          path: 'approval-flows',
          name: 'approval-flows',
          component: () => import('./views/ApprovalFlowsView.vue'),
          meta: { title: 'nav.approvalFlows', feature: 'approvalFlows' },
        },
        {
          path: 'recruitment',
          name: 'recruitment',
          component: () => import('./views/RecruitmentView.vue'),
          meta: { title: 'nav.recruitment', feature: 'recruitment' },
        },
        {
          path: 'recruitment/postings/:postingId',
          name: 'candidate-board',
          component: () => import('./views/CandidateBoardView.vue'),
          props: true,
          meta: { title: 'nav.candidateBoard', feature: 'recruitment' },
        },
        {
          path: 'my-interviews',
          name: 'my-interviews',
          component: () => import('./views/MyInterviewsView.vue'),
          meta: { title: 'nav.myInterviews', feature: 'myInterviews' },
        },
        {
          path: 'leave',
          name: 'leave',
          component: () => import('./views/LeaveView.vue'),
          meta: { title: 'nav.leave', feature: 'leave' },
        },
        {
          path: 'reports/training-effect',
          name: 'training-report',
          component: () => import('./views/TrainingReportView.vue'),
          meta: { title: 'nav.trainingReport', feature: 'trainingReport' },
        },
        {
          path: 'reports/hr',
          name: 'hr-reports',
          component: () => import('./views/HrReportsView.vue'),
          meta: { title: 'nav.hrReports', feature: 'hrReports' },
        },
        { path: 'pay', name: 'pay', component: () => import('./views/PayView.vue'), meta: { title: 'nav.pay', feature: 'pay' } },
        {
          path: 'import',
          name: 'import',
          component: () => import('./views/ImportView.vue'),
          meta: { title: 'nav.import', feature: 'import' },
        },
        {
          path: ':pathMatch(.*)*',
          name: 'not-found',
          component: () => import('./views/NotFoundView.vue'),
          meta: { title: 'notFound.title' },
        },
      ],
    },
  ],
})

router.beforeEach((to) => {
  if (to.meta.public) {
    if (to.name === 'login' && isSignedIn() && !to.query.expired) return homeRoute()
    return true
  }
  if (!isSignedIn()) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  // An initial password is changed before anything else (the server refuses the rest).
  if (session.mustChangePassword && to.name !== 'first-password') return { name: 'first-password' }
  return true
})

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    /** i18n key of the page's name, for the document title (WCAG 2.4.2). */
    title?: string
    /** Pages offered only to some roles (see access.ts); others see a "no access" page. */
    feature?: Feature
  }
}
