"""The help-measure catalogue (B6) and the relief-fund payment types."""

from dataclasses import dataclass


@dataclass(frozen=True)
class MeasureKind:
    code: str
    label: str
    department: str
    developmental: bool  # 开发式 (industry, employment) rather than 综合保障


MEASURES = (
    MeasureKind("microcredit", "小额信贷", "乡村振兴", True),
    MeasureKind("industry", "产业奖补", "农业农村", True),
    MeasureKind("welfare_job", "公益性岗位", "人社", True),
    MeasureKind("employment", "就业奖补 / 稳岗就业", "人社", True),
    MeasureKind("yulu", "雨露计划", "乡村振兴", True),
    MeasureKind("insurance", "防贫保", "农业农村", False),
    MeasureKind("dibao", "低保", "民政", False),
    MeasureKind("medical_aid", "医疗救助", "医保", False),
    MeasureKind("temporary_aid", "临时救助", "民政", False),
    MeasureKind("housing", "危房改造", "住建", False),
    MeasureKind("disability", "残疾人补贴", "残联", False),
    MeasureKind("support", "赡养协调", "乡镇", False),
    MeasureKind("relief_fund", "防返贫帮扶基金", "农业农村", False),
)
BY_CODE = {m.code: m for m in MEASURES}
MEASURE_CHOICES = [(m.code, m.label) for m in MEASURES]

# Leshan's fund types (the brief's; unverified, see docs/households.md).
PAYMENT_CHOICES = [("green", "绿色救助"), ("emergency", "紧急救助"), ("supplementary", "补充救助")]

FEED_SOURCES = {
    "medical": "医保",
    "civil": "民政",
    "education": "教育",
    "housing": "住建",
    "emergency": "应急",
    "disability": "残联",
    "employment": "人社",
    "police": "公安",
}
FEED_CAUSE = {
    "medical": "illness",
    "civil": "other",
    "education": "schooling",
    "housing": "disaster",
    "emergency": "disaster",
    "disability": "accident",
    "employment": "job_loss",
    "police": "accident",
}
