"""The assembled schema: every domain's root fields, and the limits in front of them."""

from __future__ import annotations

import logging
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from talentloop.access.guard import AccessGuard
from talentloop.accounts.management_schema import AccountsAdminMutation, AccountsAdminQuery
from talentloop.accounts.schema import AccountsMutation, AccountsQuery
from talentloop.accounts.types import UserNode
from talentloop.analytics.schema import AnalyticsMutation, AnalyticsQuery
from talentloop.analytics.types import ExternalEventNode, ReportJobNode
from talentloop.approvals.schema import ApprovalsMutation, ApprovalsQuery
from talentloop.approvals.types import ApprovalRequestNode
from talentloop.attendance.leave_overview_schema import LeaveOverviewQuery
from talentloop.attendance.schema import AttendanceMutation, AttendanceQuery
from talentloop.attendance.types import (
    AttendanceLocationNode,
    AttendanceRuleSetNode,
    LeaveRequestNode,
)
from talentloop.audit.schema import AuditQuery
from talentloop.graphql.context import Info
from talentloop.graphql.errors import ErrorPolicy, should_mask
from talentloop.graphql.limits import (
    MAX_TOKENS,
    CappedValidation,
    DocumentLimitsRule,
    IntrospectionForSignedInUsers,
    QueryCostLimit,
    RefusedCharacters,
)
from talentloop.graphql.node import Node, resolve_node
from talentloop.graphql.scalars import SCALARS
from talentloop.imports.schema import ImportsMutation, ImportsQuery
from talentloop.imports.types import ImportJobNode
from talentloop.org.schema import OrgMutation, OrgQuery
from talentloop.org.types import OrgUnitNode
from talentloop.payroll.opening_schema import (
    PayrollOpeningMutation,
    PayrollOpeningNode,
    PayrollOpeningQuery,
)
from talentloop.payroll.schema import PayrollMutation, PayrollQuery
from talentloop.payroll.types import PayrollRunNode, PayslipNode
from talentloop.people.lifecycle_schema import LifecycleMutation, LifecycleQuery
from talentloop.people.mutations import PeopleMutation
from talentloop.people.positions import PositionMutation
from talentloop.people.schema import PeopleQuery
from talentloop.people.types import EmployeeNode, PositionNode
from talentloop.performance.period_schema import PeriodMutation, PeriodQuery
from talentloop.performance.schema import PerformanceMutation, PerformanceQuery
from talentloop.performance.types import (
    AssessmentRequestNode,
    KpiNode,
    KpiTargetNode,
    PaySuspensionNode,
    PerformanceRecordNode,
    RestoreRequestNode,
    TriggerRuleNode,
)
from talentloop.policy.schema import PolicyMutation, PolicyQuery
from talentloop.privacy.schema import PrivacyMutation, PrivacyQuery
from talentloop.privacy.types import SensitiveExportNode
from talentloop.records.schema import RecordsMutation, RecordsQuery
from talentloop.records.types import ContractNode
from talentloop.recruitment.schema import RecruitmentMutation, RecruitmentQuery
from talentloop.recruitment.types import ApplicationNode, PostingNode, RequisitionNode
from talentloop.reports.schema import ReportsQuery
from talentloop.roles.schema import RolesMutation, RolesQuery
from talentloop.skills.schema import SkillsMutation, SkillsQuery
from talentloop.skills.types import (
    AssessmentRoundNode,
    CompetencyCategoryNode,
    CompetencyNode,
    RaterTaskNode,
    SkillTestNode,
    TestAttemptNode,
)
from talentloop.training.schema import TrainingMutation, TrainingQuery
from talentloop.training.trainer_schema import TrainerMutation, TrainerQuery
from talentloop.training.types import (
    CourseNode,
    CourseSessionNode,
    EnrollmentNode,
    TrainerNode,
    TrainingPlanNode,
    TrainingTargetRuleNode,
)
from talentloop.workbench.schema import WorkbenchQuery

logger = logging.getLogger("talentloop.graphql")


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID; null when missing or not visible.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)


Query = merge_types(
    "Query",
    (
        NodeQuery,
        AccountsQuery,
        AccountsAdminQuery,
        OrgQuery,
        PeopleQuery,
        LifecycleQuery,
        PerformanceQuery,
        PeriodQuery,
        ImportsQuery,
        SkillsQuery,
        TrainingQuery,
        TrainerQuery,
        AnalyticsQuery,
        ReportsQuery,
        AttendanceQuery,
        LeaveOverviewQuery,
        PayrollQuery,
        PayrollOpeningQuery,
        PolicyQuery,
        AuditQuery,
        RecordsQuery,
        ApprovalsQuery,
        WorkbenchQuery,
        RecruitmentQuery,
        PrivacyQuery,
        RolesQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountsMutation,
        AccountsAdminMutation,
        OrgMutation,
        PeopleMutation,
        LifecycleMutation,
        PositionMutation,
        PerformanceMutation,
        PeriodMutation,
        ImportsMutation,
        SkillsMutation,
        TrainingMutation,
        TrainerMutation,
        AnalyticsMutation,
        RecordsMutation,
        PayrollMutation,
        PayrollOpeningMutation,
        PolicyMutation,
        PrivacyMutation,
        AttendanceMutation,
        ApprovalsMutation,
        RecruitmentMutation,
        RolesMutation,
    ),
)


class TalentLoopSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Strawberry logs every error with its traceback here, before masking. An error that
        will be masked is logged once, with its correlation id, by ErrorPolicy instead; the
        rest are the client's (validation, typed business errors): debug level only."""
        for error in errors:
            if not should_mask(error):
                logger.debug("GraphQL error: %s", error.message)


schema = TalentLoopSchema(
    query=Query,
    mutation=Mutation,
    types=[
        EmployeeNode,
        PositionNode,
        ContractNode,
        OrgUnitNode,
        UserNode,
        KpiNode,
        KpiTargetNode,
        PerformanceRecordNode,
        TriggerRuleNode,
        AssessmentRequestNode,
        PaySuspensionNode,
        RestoreRequestNode,
        ImportJobNode,
        CompetencyCategoryNode,
        CompetencyNode,
        AssessmentRoundNode,
        RaterTaskNode,
        SkillTestNode,
        TestAttemptNode,
        CourseNode,
        CourseSessionNode,
        EnrollmentNode,
        TrainingPlanNode,
        TrainingTargetRuleNode,
        TrainerNode,
        ExternalEventNode,
        ReportJobNode,
        AttendanceRuleSetNode,
        AttendanceLocationNode,
        LeaveRequestNode,
        PayrollRunNode,
        PayslipNode,
        PayrollOpeningNode,
        ApprovalRequestNode,
        RequisitionNode,
        PostingNode,
        ApplicationNode,
        SensitiveExportNode,
    ],
    config=StrawberryConfig(auto_camel_case=True),
    scalar_overrides=SCALARS,  # Date and Decimal with sanity bounds (graphql/scalars.py)
    # Limits and their values: graphql/limits.py. Every extension is built per request; the
    # validation rules are fixed classes so the validation cache can hit.
    extensions=[
        ParserCache,
        CappedValidation,
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(AddValidationRules, [DocumentLimitsRule]),
        IntrospectionForSignedInUsers,
        QueryCostLimit,
        RefusedCharacters,
        AccessGuard,
        ErrorPolicy,
    ],
)


def export_sdl() -> str:
    return schema.as_str() + "\n"
