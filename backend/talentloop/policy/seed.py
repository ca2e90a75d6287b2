"""The policy tables a new database starts from: the income-tax table of the law (from 2019),
and the city social-insurance and housing-fund tables: Shanghai,
Beijing and Shenzhen as the demo has had them, and Hangzhou (HQ's city). Loaded with the demo
(`python -m talentloop seed`, hence `make run`) and by the tests that need a city's real table;
HQ HR adds later versions in the app (policy/service.py add_city_table), never editing these.

The bases of Shanghai and Beijing are the published 2025 figures (from July 2025); every
other figure — Shenzhen's bases, the employer rates, the housing fund bounds and rates, the
rounding rules — is demo data: check it against the city's notice before relying on it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from talentloop.payroll.calc import Bracket, Component, RoundingMode, TaxTable
from talentloop.payroll.models import IncomeTaxTable, SocialInsuranceRate, SocialInsuranceTable

# --- individual income tax ------------------------------------------------------------------

FROM_2019 = date(2019, 1, 1)  # the 2018 revision's 综合所得 rules apply from 1 January 2019


def brackets_of(rows: list[tuple[int | None, str, int]]) -> tuple[Bracket, ...]:
    return tuple(Bracket(D(u) if u is not None else None, D(r), D(q)) for u, r, q in rows)


# 个人所得税法 (2018 revision): 第六条 减除费用 60,000 a year (5,000 a month, as 国家税务总局
# 公告2018年第61号 第六条 counts it); 附表一 综合所得适用 = 公告2018年第61号 个人所得税预扣率表一
# (upper bound inclusive, rate, quick deduction).
LAW_TAX_TABLE = TaxTable(
    valid_from=FROM_2019,
    basic_deduction=D(5000),
    annual=brackets_of([(36000, "0.03", 0), (144000, "0.10", 2520), (300000, "0.20", 16920),
                      (420000, "0.25", 31920), (660000, "0.30", 52920),
                      (960000, "0.35", 85920), (None, "0.45", 181920)]),
    # 按月换算后的综合所得税率表 (财税〔2018〕164号 附件) for the annual one-time bonus taxed
    # apart, a choice extended to 31 December 2027 by 财政部 税务总局公告2023年第30号.
    monthly=brackets_of([(3000, "0.03", 0), (12000, "0.10", 210), (25000, "0.20", 1410),
                       (35000, "0.25", 2660), (55000, "0.30", 4410), (80000, "0.35", 7160),
                       (None, "0.45", 15160)]),
)  # fmt: skip
LAW_TAX_SOURCE = (
    "《中华人民共和国个人所得税法》（2018年修正）第六条 减除费用每年六万元（每月 5,000 元）、"
    "附表一（综合所得适用）；国家税务总局公告2018年第61号《个人所得税扣缴申报管理办法（试行）》"
    "预扣率表一；按月换算后的综合所得税率表（财税〔2018〕164号，"
    "财政部 税务总局公告2023年第30号 延续至2027年12月31日）。"
)


def _plain(d: D) -> str:
    """0.030000 → "0.03", 36000.00 → "36000": as HQ HR wrote it, whatever the input's scale."""
    return f"{d.normalize():f}"


def bracket_rows(brackets: tuple[Bracket, ...]) -> list[dict[str, str | None]]:
    """How IncomeTaxTable stores brackets (JSON: strings, upper null for the last)."""
    return [
        {"upper": None if b.upper is None else _plain(b.upper), "rate": _plain(b.rate),
         "quick_deduction": _plain(b.quick_deduction)}
        for b in brackets
    ]  # fmt: skip


async def seed_tax_tables() -> None:
    """The law's income-tax table, if the database lacks it."""
    if await IncomeTaxTable.filter(valid_from=LAW_TAX_TABLE.valid_from).exists():
        return
    await IncomeTaxTable.create(
        valid_from=LAW_TAX_TABLE.valid_from,
        basic_deduction=LAW_TAX_TABLE.basic_deduction,
        brackets=bracket_rows(LAW_TAX_TABLE.annual),
        bonus_brackets=bracket_rows(LAW_TAX_TABLE.monthly),
        source=LAW_TAX_SOURCE,
    )


# --- social insurance and housing fund --------------------------------------------------------

FROM_JULY_2025 = date(2025, 7, 1)
FROM_JANUARY_2026 = date(2026, 1, 1)

# city, valid from, base floor, ceiling, fund floor, ceiling, fund rounding, source, rates
# (component, employee, employer, employee fixed)
TABLES = [
    (
        "上海", FROM_JULY_2025, "7460", "37302", "2690", "37302", D(1),
        "上海市人力资源和社会保障局：2025年度社会保险缴费基数上限 37,302 元、下限 7,460 元，"
        "自2025年7月1日起执行。费率、公积金基数与比例、取整规则：演示数据，请以本市通知核对。",
        [(Component.PENSION, "0.08", "0.16", "0"), (Component.MEDICAL, "0.02", "0.09", "0"),
         (Component.MATERNITY, "0", "0.01", "0"), (Component.UNEMPLOYMENT, "0.005", "0.005", "0"),
         (Component.INJURY, "0", "0.0026", "0"), (Component.HOUSING_FUND, "0.07", "0.07", "0")],
    ),
    (
        "北京", FROM_JULY_2025, "7162", "35811", "2540", "35811", D(1),
        "北京市人力资源和社会保障局：2025年7月起社会保险缴费基数下限 7,162 元、上限 35,811 元；"
        "职工医疗保险个人另缴大额医疗互助 3 元/月。单位费率、公积金下限与比例、取整规则：演示数据，"
        "请以本市通知核对。",
        [(Component.PENSION, "0.08", "0.16", "0"), (Component.MEDICAL, "0.02", "0.098", "3"),
         (Component.UNEMPLOYMENT, "0.005", "0.005", "0"), (Component.INJURY, "0", "0.004", "0"),
         (Component.HOUSING_FUND, "0.12", "0.12", "0")],
    ),
    (
        "深圳", FROM_JULY_2025, "4775", "27501", "2520", "44265", D("0.01"),
        "深圳：演示数据，请以本市通知核对 —— 缴费基数 4,775–27,501 元"
        "（广东省 2025 年度养老保险基数，未在此核实），公积金基数 2,520–44,265 元，费率均为示例。",
        [(Component.PENSION, "0.08", "0.15", "0"), (Component.MEDICAL, "0.02", "0.05", "0"),
         (Component.UNEMPLOYMENT, "0.003", "0.007", "0"), (Component.INJURY, "0", "0.0014", "0"),
         (Component.HOUSING_FUND, "0.05", "0.05", "0")],
    ),
    # Hangzhou (HQ). The rates follow rules that are sure: pension 16 % employer
    # (国办发〔2019〕13号 降低社会保险费率综合方案: at most 16 %) and 8 % employee
    # (国发〔2005〕38号); medical 2 % employee; unemployment 0.5 % each (浙江 since 2019);
    # maternity merged into medical (国办发〔2019〕10号). The BASES were NOT verified against
    # 杭州市人力资源和社会保障局 / 浙江省人力资源和社会保障厅's notice on the 2026 base (no access
    # to it from here): the floor and ceiling below are placeholders of the right size
    # (浙江's 2025 bases were about 4,500–25,000), the employer medical rate (9.5 %), the injury
    # rate and the housing fund bounds (杭州住房公积金管理中心) likewise — HQ HR must add the
    # verified version in the app (社保公积金 → new version from a date) before paying.
    (
        "杭州", FROM_JANUARY_2026, "4812", "24930", "2490", "39530", D(1),
        "杭州：未经核实的占位数据 —— 请以杭州市人力资源和社会保障局 2026 年度社会保险缴费基数通知、"
        "杭州住房公积金管理中心 2025/2026 年度缴存基数上下限核对后新增版本。费率：养老 16 %/8 %"
        "（国办发〔2019〕13号），医疗 9.5 %/2 %（生育保险并入，国办发〔2019〕10号），"
        "失业 0.5 %/0.5 %，工伤 0.2 %（一类行业），住房公积金 12 %/12 %。",
        [(Component.PENSION, "0.08", "0.16", "0"), (Component.MEDICAL, "0.02", "0.095", "0"),
         (Component.UNEMPLOYMENT, "0.005", "0.005", "0"), (Component.INJURY, "0", "0.002", "0"),
         (Component.HOUSING_FUND, "0.12", "0.12", "0")],
    ),
]  # fmt: skip


async def seed_city_tables(cities: set[str] | None = None) -> None:
    """The tables of TABLES (of `cities` only, when given) that the database lacks."""
    for city, since, floor, ceiling, fund_floor, fund_ceiling, fund_q, source, rates in TABLES:
        if cities is not None and city not in cities:
            continue
        if await SocialInsuranceTable.filter(city=city, valid_from=since).exists():
            continue
        table = await SocialInsuranceTable.create(
            city=city,
            valid_from=since,
            base_floor=D(floor),
            base_ceiling=D(ceiling),
            fund_floor=D(fund_floor),
            fund_ceiling=D(fund_ceiling),
            fund_rounding_quantum=fund_q,
            fund_rounding_mode=RoundingMode.HALF_UP,
            source=source,
        )
        await SocialInsuranceRate.bulk_create(
            [
                SocialInsuranceRate(
                    table=table,
                    component=c,
                    employee_rate=D(e),
                    employer_rate=D(r),
                    employee_fixed=D(f),
                )
                for c, e, r, f in rates
            ]
        )
