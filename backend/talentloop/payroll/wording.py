"""The words of a payslip: every line's label and explanation is an English msgid of the
server's catalogue (talentloop/i18n.py), rendered in Chinese and in English when the payslip is
computed. Both are stored with the line: a payslip is a record and keeps the words it was
computed with, whatever the catalogue says later. A sentence is one msgid with `{named}`
placeholders; the notes that may follow one (a negative tax, an opening) are msgids of their own
that carry their separator, since Chinese and English punctuate them differently."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from talentloop.i18n import CHINESE, ENGLISH, N_, translate
from talentloop.payroll.calc import Component, OvertimeKind, fen
from talentloop.payroll.models import ComponentKind

Words = tuple[str, str]  # (Chinese, English)


def in_both(msgid: str, **params: object) -> Words:
    """`msgid` in Chinese and in English, its placeholders filled."""
    return (
        translate(msgid, params, language=CHINESE),
        translate(msgid, params, language=ENGLISH),
    )


def yuan(amount: Decimal) -> str:
    return f"{fen(amount):,.2f}"


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def month(day: date) -> str:
    return f"{day:%Y-%m}"


BASE_SALARY = N_("Base salary")
BONUS = N_("Bonus")
CORRECTION = N_("Correction of an earlier month")
ANNUAL_BONUS = N_("Annual one-time bonus")
INCOME_TAX = N_("Individual income tax")
BONUS_TAX = N_("Tax on the annual bonus")
DEDUCTION = N_("Deduction")
PERFORMANCE_PAY = N_("Performance pay")

# A structure's component is labelled in Chinese by its own name (HR's word for it); in English
# by its kind.
COMPONENT_KINDS = {
    ComponentKind.ALLOWANCE: N_("Allowance"),
    ComponentKind.PERFORMANCE: PERFORMANCE_PAY,
    ComponentKind.BONUS: N_("Monthly bonus"),
}
CONTRIBUTIONS = {
    Component.PENSION: N_("Pension insurance"),
    Component.MEDICAL: N_("Medical insurance"),
    Component.UNEMPLOYMENT: N_("Unemployment insurance"),
    Component.INJURY: N_("Work injury insurance"),
    Component.MATERNITY: N_("Maternity insurance"),
    Component.HOUSING_FUND: N_("Housing fund"),
}
EMPLOYER_CONTRIBUTIONS = {
    Component.PENSION: N_("Pension insurance (employer)"),
    Component.MEDICAL: N_("Medical insurance (employer)"),
    Component.UNEMPLOYMENT: N_("Unemployment insurance (employer)"),
    Component.INJURY: N_("Work injury insurance (employer)"),
    Component.MATERNITY: N_("Maternity insurance (employer)"),
    Component.HOUSING_FUND: N_("Housing fund (employer)"),
}
OVERTIME = {
    OvertimeKind.WORKDAY: N_("Overtime (working day, 150 %)"),
    OvertimeKind.REST_DAY: N_("Overtime (rest day, 200 %)"),
    OvertimeKind.HOLIDAY: N_("Overtime (public holiday, 300 %)"),
}
ABSENCE = N_("Absence")
UNPAID_LEAVE = N_("Unpaid leave")


def component_label(kind: ComponentKind, name: str) -> Words:
    english = COMPONENT_KINDS.get(kind)
    return name, translate(english, language=ENGLISH) if english else name


def base_from_structure(since: date) -> Words:
    return in_both(N_("Salary structure (from {since}): a fixed amount"), since=f"{since:%Y-%m-%d}")


def base_from_record() -> Words:
    return in_both(N_("The base salary of the employee record"))


def component_explanation(base: Decimal, rate: Decimal | None) -> Words:
    """A component at a percentage of the base (`rate`), or a fixed amount (None)."""
    if rate is None:
        return in_both(N_("A fixed amount of the salary structure"))
    return in_both(N_("base salary {base} × {rate}"), base=yuan(base), rate=percent(rate))


def suspended(unit: str, since: date, reason: str, amount: Decimal) -> Words:
    return in_both(
        N_(
            "Performance pay suspended: {unit} has had performance pay suspended since {since} "
            "({reason}); none this month (normally {amount}). Restoring it needs approval."
        ),
        unit=unit,
        since=month(since),
        reason=reason,
        amount=yuan(amount),
    )


def bonus(note: str) -> Words:
    zh, en = in_both(N_("Bonus this month. {note}"), note=note)
    return zh.strip(), en.strip()


def correction(corrects: date | None, note: str) -> Words:
    return in_both(
        N_(
            "Corrects {month}, whose approved run cannot change; the correction is paid this "
            "month. {note}"
        ),
        month=month(corrects) if corrects else "—",
        note=note,
    )


def annual_bonus(separate: bool) -> Words:
    if separate:
        return in_both(N_("Taxed separately (Cai Shui [2018] No. 164, extended to 31 Dec 2027)."))
    return in_both(N_("Merged into the year's wages and taxed by the cumulative method."))


def contribution(
    base: Decimal, city: str, since: date, salary: Decimal, rate: Decimal, *, fixed: bool = False
) -> Words:
    """A contribution on its base (the salary within the city table's floor and ceiling), with
    the medical insurance's fixed 3 yuan for serious illness where the city adds it."""
    params = {
        "base": yuan(base),
        "city": city,
        "since": month(since),
        "salary": yuan(salary),
        "rate": percent(rate),
    }
    if fixed:
        return in_both(
            N_(
                "base {base} ({city} from {since}: the base salary {salary} within the floor "
                "and ceiling) × {rate} + 3 yuan"
            ),
            **params,
        )
    return in_both(
        N_(
            "base {base} ({city} from {since}: the base salary {salary} within the floor and "
            "ceiling) × {rate}"
        ),
        **params,
    )


def income_tax(
    figures: dict[str, str],
    *,
    other: Decimal,
    negative: bool,
    opened_through: date | None,
) -> Words:
    """The cumulative withholding of 国家税务总局公告2018年第61号, step by step; `figures` are
    the sentence's amounts, written (income, basic, monthly, months, special, additional,
    taxable, rate, quick, cumulative_tax, withheld, due)."""
    if other:
        zh, en = in_both(
            N_(
                "Cumulative withholding (SAT announcement 2018 No. 61): income {income} − basic "
                "deduction {basic} ({monthly} × {months} months) − social insurance and housing "
                "fund {special} − special additional deductions {additional} − other deductions "
                "{other} = taxable {taxable}; × {rate} − quick deduction {quick} = "
                "{cumulative_tax}; − already withheld {withheld} = {due}"
            ),
            other=yuan(other),
            **figures,
        )
    else:
        zh, en = in_both(
            N_(
                "Cumulative withholding (SAT announcement 2018 No. 61): income {income} − basic "
                "deduction {basic} ({monthly} × {months} months) − social insurance and housing "
                "fund {special} − special additional deductions {additional} = taxable "
                "{taxable}; × {rate} − quick deduction {quick} = {cumulative_tax}; − already "
                "withheld {withheld} = {due}"
            ),
            **figures,
        )
    if negative:
        # The note follows the sentence: its msgid carries the separator (a space in English).
        note_zh, note_en = in_both(N_(" (negative: no refund before the annual settlement)"))
        zh, en = zh + note_zh, en + note_en
    if opened_through is not None:
        note_zh, note_en = in_both(
            N_(" ({year}-01 to {through}: the previous system's opening figures)"),
            year=f"{opened_through:%Y}",
            through=month(opened_through),
        )
        zh, en = zh + note_zh, en + note_en
    return zh, en


def bonus_tax(
    bonus: Decimal, monthly: Decimal, rate: Decimal, quick: Decimal, tax: Decimal
) -> Words:
    return in_both(
        N_(
            "{bonus} ÷ 12 = {monthly}: the monthly table's {rate}, quick deduction {quick}: "
            "{bonus} × {rate} − {quick} = {tax}"
        ),
        bonus=yuan(bonus),
        monthly=yuan(monthly),
        rate=percent(rate),
        quick=yuan(quick),
        tax=yuan(tax),
    )


def structure_deduction() -> Words:
    return in_both(N_("After tax (salary structure)"))


def deduction(note: str) -> Words:
    zh, en = in_both(N_("After tax. {note}"), note=note)
    return zh.strip(), en.strip()


def overtime(
    hours: Decimal, hourly: Decimal, base: Decimal, factor: Decimal, *, from_attendance: bool
) -> Words:
    """Overtime at the hourly wage of 劳社部发〔2008〕3号 and the factor of 劳动法 art. 44."""
    params = {
        "hours": f"{hours.normalize():f}",
        "hourly": yuan(hourly),
        "base": yuan(base),
        "factor": str(factor),
    }
    if from_attendance:
        return in_both(
            N_(
                "{hours} h (attendance and HR's entries) × hourly wage {hourly} ({base} ÷ 21.75 "
                "÷ 8) × {factor} (Labour Law art. 44)"
            ),
            **params,
        )
    return in_both(
        N_(
            "{hours} h (entered by HR) × hourly wage {hourly} ({base} ÷ 21.75 ÷ 8) × {factor} "
            "(Labour Law art. 44)"
        ),
        **params,
    )


def days_unpaid(days: Decimal, daily: Decimal, base: Decimal, *, from_attendance: bool) -> Words:
    params = {"days": f"{days.normalize():f}", "daily": yuan(daily), "base": yuan(base)}
    if from_attendance:
        return in_both(
            N_("{days} days (attendance and HR's entries) × daily wage {daily} ({base} ÷ 21.75)"),
            **params,
        )
    return in_both(
        N_("{days} days (entered by HR) × daily wage {daily} ({base} ÷ 21.75)"), **params
    )
