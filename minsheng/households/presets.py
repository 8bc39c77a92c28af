"""Published rules of four places, as `rules.Params` (sources in docs/households.md).

- 甘肃 2024: the line is 7,800 yuan per person (中新网 2024-08-13); home check 5, decision 15
  working days (甘肃 一键报贫, 人民日报 2023-02-21).
- 德化 2024: the line is 2 × the rural 低保 (815 yuan a month) × 12 = 19,560 yuan
  (德化县农业农村局 2024-03-12).
- 阳原 (医保): out-of-pocket cost in the year above 50 % (脱贫/监测 people) or 100 % (other rural
  insured) of the province's previous-year rural per-capita disposable income; pushed every 10
  days (Xinhua 2022-09-27). Hebei's 2021 figure, 18,179 yuan, is from the province's statistical
  bulletin (河北省2021年国民经济和社会发展统计公报).
- 西安 (医保): out-of-pocket after all insurance above 10,000 yuan (low-income people) or 26,000
  yuan (the general public); pushed monthly (西安市医保局 2025-04-25).
"""

from decimal import Decimal

from minsheng.households.rules import (
    MEDICAL_ABSOLUTE,
    MEDICAL_SHARE,
    WINDOW_BEFORE,
    WINDOW_SAME_MONTH,
    Params,
)

GANSU_2024 = Params(name="甘肃省 2024", year=2024, line_fixed=Decimal(7800), window=WINDOW_BEFORE)
DEHUA_2024 = Params(
    name="德化县 2024",
    year=2024,
    dibao_monthly=Decimal(815),
    dibao_factor=Decimal(2),
    window=WINDOW_SAME_MONTH,
)
YANGYUAN_2022 = Params(
    name="阳原县 医保 2022",
    year=2022,
    medical_mode=MEDICAL_SHARE,
    medical_low=Decimal("0.5"),
    medical_general=Decimal("1.0"),
    province_rural_income=Decimal(18179),
    feed_cycle_days=10,
)
XIAN_2025 = Params(
    name="西安市 医保 2025",
    year=2025,
    medical_mode=MEDICAL_ABSOLUTE,
    medical_low=Decimal(10000),
    medical_general=Decimal(26000),
    feed_cycle_days=30,
)
HAINAN_STEPS = {"home_check_workdays": 5, "decision_workdays": 20}

PRESETS = {
    "gansu-2024": GANSU_2024,
    "dehua-2024": DEHUA_2024,
    "yangyuan": YANGYUAN_2022,
    "xian": XIAN_2025,
}
