"""The assembled schema: every domain's root fields, and the limits in front of them."""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from talentloop.accounts.schema import AccountsMutation, AccountsQuery
from talentloop.accounts.types import UserNode
from talentloop.analytics.schema import AnalyticsMutation, AnalyticsQuery
from talentloop.analytics.types import ExternalEventNode, ReportJobNode
from talentloop.graphql.context import Info
from talentloop.graphql.errors import should_mask
from talentloop.graphql.node import Node, resolve_node
from talentloop.org.schema import OrgMutation, OrgQuery
from talentloop.org.types import OrgUnitNode
from talentloop.people.mutations import PeopleMutation
from talentloop.people.schema import PeopleQuery
from talentloop.people.types import EmployeeNode, PositionNode
from talentloop.performance.schema import PerformanceMutation, PerformanceQuery
from talentloop.performance.types import (
    AssessmentRequestNode,
    ImportJobNode,
    KpiNode,
    KpiTargetNode,
    PaySuspensionNode,
    PerformanceRecordNode,
    RestoreRequestNode,
    TriggerRuleNode,
)
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
from talentloop.training.types import (
    CourseNode,
    CourseSessionNode,
    EnrollmentNode,
    TrainingPlanNode,
    TrainingTargetRuleNode,
)

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000


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
        OrgQuery,
        PeopleQuery,
        PerformanceQuery,
        SkillsQuery,
        TrainingQuery,
        AnalyticsQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountsMutation,
        OrgMutation,
        PeopleMutation,
        PerformanceMutation,
        SkillsMutation,
        TrainingMutation,
        AnalyticsMutation,
    ),
)

schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    types=[
        EmployeeNode,
        PositionNode,
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
        ExternalEventNode,
        ReportJobNode,
    ],
    config=StrawberryConfig(auto_camel_case=True),
    extensions=[
        ParserCache,
        ValidationCache,
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(MaskErrors, should_mask_error=should_mask),
    ],
)


def export_sdl() -> str:
    return schema.as_str() + "\n"
