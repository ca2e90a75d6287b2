"""`workbench`: the viewer's to-dos and key figures (service.py), and `me { features }`'s source."""

from __future__ import annotations

from enum import Enum

import strawberry

from talentloop.graphql.context import Info
from talentloop.workbench import service


@strawberry.enum(description="Something that waits for the viewer.")
class WorkItemKind(Enum):
    APPROVALS = "approvals"
    RATINGS = "ratings"
    ASSESSMENTS = "assessments"
    INTERVIEWS = "interviews"
    SCORECARDS = "scorecards"
    CONTRACTS = "contracts"
    PROBATIONS = "probations"
    MISSING_PUNCHES = "missingPunches"
    TEAM_MISSING_PUNCHES = "teamMissingPunches"
    SKILL_TESTS = "skillTests"
    ENROLMENTS = "enrolments"


@strawberry.enum(description="A key figure of the viewer's scope.")
class KeyFigureKind(Enum):
    HEADCOUNT = "headcount"
    OPEN_REQUISITIONS = "openRequisitions"
    ON_LEAVE = "onLeave"
    KPI_AT_RISK = "kpiAtRisk"
    PAY_SUSPENSIONS = "paySuspensions"


@strawberry.type(description="One kind of to-do: how many wait and the page that holds them.")
class WorkItem:
    kind: WorkItemKind
    count: int = strawberry.field(description="How many wait now (0: nothing pending).")
    link: str = strawberry.field(description="The SPA's page that holds them.")


@strawberry.type(description="A key figure of the viewer's scope, as its own page counts it.")
class KeyFigure:
    kind: KeyFigureKind
    value: int
    link: str = strawberry.field(description="The SPA's page that shows it.")


@strawberry.type(description="What needs the viewer now, and key figures for those who lead.")
class Workbench:
    items: list[WorkItem] = strawberry.field(
        description="Every kind of to-do the viewer's screens offer, with its count; empty when "
        "nothing is the viewer's to do (no such permission)."
    )
    figures: list[KeyFigure] = strawberry.field(
        description="Headcount, open requisitions, people on leave this month, people with a KPI "
        "breach still to assess, active performance-pay suspensions — for report readers only."
    )


@strawberry.type
class WorkbenchQuery:
    @strawberry.field(
        description="The viewer's workbench: to-dos with counts and links, and key figures of "
        "their scope (HR, managers, the boss); within what each page shows them."
    )
    async def workbench(self, info: Info) -> Workbench:
        found = await service.workbench(info.context.viewer)
        return Workbench(
            items=[
                WorkItem(kind=WorkItemKind(i.key), count=i.count, link=i.link) for i in found.items
            ],
            figures=[
                KeyFigure(kind=KeyFigureKind(f.key), value=f.count, link=f.link)
                for f in found.figures
            ],
        )
