"""The files of an approved run: the bank transfer file and the tax declaration list (XLSX).

Both carry full numbers (bank accounts; ID numbers for the tax bureau), so each is made only
for HR who run the payroll and read those numbers, and each number put in a file is written
to the audit trail as a sensitive read with the run as the reason. Numbers stay text cells,
so no spreadsheet turns an account into a float.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from talentloop.access.policy import FieldGroup, Viewer
from talentloop.audit import service as audit
from talentloop.payroll import service
from talentloop.payroll.models import LOCKED_STATUSES, LineSection, PayrollRun, PayslipLine
from talentloop.people import sensitive
from talentloop.people.sensitive import SensitiveField
from talentloop.spreadsheets import Workbook, xlsx_bytes

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("bank", "tax")


class NotReady(Exception):
    """The run is not approved yet: no file leaves with figures that may still change."""


async def export(viewer: Viewer, run_id: int, kind: str) -> tuple[bytes, str] | None:
    """The file and its name; None when the run is not the viewer's (like a missing one)."""
    run = await service.get_run(viewer, run_id)
    if run is None or kind not in KINDS:
        return None
    if run.status not in LOCKED_STATUSES:
        raise NotReady
    slips = await service.payslips_of_run(viewer, run)
    employees = {s.employee_id: s.employee for s in slips}
    field = SensitiveField.BANK_ACCOUNT if kind == "bank" else SensitiveField.ID_NUMBER
    numbers: dict[int, str] = {}
    reason = f"Payroll {kind} file, run {run.id} ({run.month:%Y-%m})"
    for pk, employee in employees.items():
        if FieldGroup.SENSITIVE not in viewer.groups_for(pk, employee.unit.path):
            continue  # moved out of the viewer's scope since: the row is left without it
        value = sensitive.read(employee, field)
        if value:
            await audit.record_sensitive_read(viewer, pk, field.api_name, reason)
            numbers[pk] = value
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if kind == "bank":
        sheet.title = "代发工资"
        sheet.append(["序号", "工号", "姓名", "银行账号", "金额", "币种", "用途"])
        for n, s in enumerate(slips, start=1):
            e = employees[s.employee_id]
            sheet.append([n, e.employee_number, e.name, numbers.get(e.id, ""), _money(s.net),
                          "CNY", f"{run.month:%Y-%m} 工资"])  # fmt: skip
        sheet.append(["", "", "合计", "", _money(sum((s.net for s in slips), Decimal(0))), "", ""])
    else:
        sheet.title = "个人所得税扣缴申报"
        lines = await _contributions([s.id for s in slips])
        sheet.append(
            [
                "工号",
                "姓名",
                "证件类型",
                "证件号码",
                "所得项目",
                "本期收入",
                "基本养老保险费",
                "基本医疗保险费",
                "失业保险费",
                "住房公积金",
                "累计收入额",
                "累计减除费用",
                "累计专项扣除",
                "累计专项附加扣除",
                "累计应纳税所得额",
                "税率/预扣率",
                "速算扣除数",
                "累计应纳税额",
                "累计已预缴税额",
                "应补/退税额",
            ]
        )
        for s in slips:
            e = employees[s.employee_id]
            c = lines[s.id]
            sheet.append(
                [
                    e.employee_number,
                    e.name,
                    "居民身份证",
                    numbers.get(e.id, ""),
                    "正常工资薪金所得",
                    _money(s.income),
                    _money(c["pension"]),
                    _money(c["medical"]),
                    _money(c["unemployment"]),
                    _money(c["housing_fund"]),
                    _money(s.cumulative_income),
                    _money(s.cumulative_basic),
                    _money(s.cumulative_special),
                    _money(s.cumulative_additional),
                    _money(s.cumulative_taxable),
                    float(s.tax_rate),
                    _money(s.quick_deduction),
                    _money(s.cumulative_tax),
                    _money(s.withheld_before),
                    _money(s.tax),
                ]
            )
            if s.annual_bonus and s.bonus_tax:
                sheet.append(
                    [
                        e.employee_number,
                        e.name,
                        "居民身份证",
                        numbers.get(e.id, ""),
                        "全年一次性奖金收入",
                        _money(s.annual_bonus),
                        *[""] * 13,
                        _money(s.bonus_tax),
                    ]
                )
    name = f"payroll-{run.month:%Y-%m}-{run.unit_id}-{kind}.xlsx"
    return xlsx_bytes(book), name


def _money(amount: Decimal) -> float:
    """A cell a bank or the tax client reads as a number, exact to the fen."""
    return float(amount.quantize(Decimal("0.01")))


async def _contributions(payslip_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    found: dict[int, dict[str, Decimal]] = {pk: defaultdict(Decimal) for pk in payslip_ids}
    for line in await PayslipLine.filter(
        payslip_id__in=payslip_ids, section=LineSection.CONTRIBUTION
    ):
        found[line.payslip_id][line.code] += line.amount
    return found


__all__ = ["KINDS", "MEDIA_TYPE", "NotReady", "PayrollRun", "export"]
