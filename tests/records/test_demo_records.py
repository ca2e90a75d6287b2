"""The demo company's records obey the rules they would be checked by."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

from talentloop.demo.company import TODAY, load_demo_company
from talentloop.people.models import Employee
from talentloop.records.models import ArchiveDocument, Contract, ContractKind, EmploymentEvent
from talentloop.records.service import add_months, probation_limit_months


async def test_demo_contracts_never_overlap_keep_probation_limits_and_some_end_soon(
    app: object,
) -> None:
    await load_demo_company()
    by_employee: dict[int, list[Contract]] = defaultdict(list)
    for contract in await Contract.all().order_by("start_date"):
        by_employee[contract.employee_id].append(contract)
    assert len(by_employee) == await Employee.all().count()
    for contracts in by_employee.values():
        for earlier, later in pairwise(contracts):
            assert earlier.end_date is not None and earlier.end_date < later.start_date
        with_probation = [c for c in contracts if c.probation_end]
        assert len(with_probation) <= 1
        for c in with_probation:
            limit = probation_limit_months(c.kind, c.start_date, c.end_date)
            assert c.probation_end and c.probation_end < add_months(c.start_date, limit)
        kinds = [c.kind for c in contracts]
        if ContractKind.OPEN_ENDED in kinds:
            assert kinds == [ContractKind.FIXED_TERM, ContractKind.FIXED_TERM, kinds[-1]]
    soon = await Contract.filter(
        end_date__gte=TODAY, end_date__lte=TODAY + timedelta(days=30)
    ).count()
    assert soon >= 3
    assert await EmploymentEvent.filter(kind="transfer").count() == 2
    assert await ArchiveDocument.all().count() == 6
