"""The programme's part of `minsheng load_demo` (idempotent), written through `write` and
`calls` and the loop like any user would:

- three bundles with the item lists of the published 一件事 guides (出生一件事, 退休一件事,
  开办餐饮店一件事), received at 鼓楼区's window, worked by the city's departments;
- applications at every step: just applied (items out in parallel), half done, one item sent
  back for a material, finished (the SMS queued), and one applied for by a daughter for her
  father under a 亲友代办 authorisation;
- video pre-review slots at the window on the next working days, one booked.
"""

from collections.abc import Callable
from datetime import datetime, time
from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from minsheng.accounts.models import User
from minsheng.orgs.models import Unit
from minsheng.services import calls, write
from minsheng.services.models import Application, Bundle, Field, Item, Work
from minsheng.sla.deadlines import official_calendar

WINDOW = "350102"  # 鼓楼区: its 政务服务中心 receives the bundles
WINDOW_ADDRESS = "鼓楼区政务服务中心一楼综合窗口（鼓楼区五四路 158 号）"

# (code, name, summary, items, fields); an item: (code, name, unit, limit, materials, after)
BUNDLES: list[tuple[str, str, str, list[tuple[Any, ...]], list[tuple[Any, ...]]]] = [
    (
        "birth",
        "出生一件事",
        "新生儿出生后，父母填一张表、交一次材料，出生医学证明、预防接种证、户口登记、"
        "城乡居民医保参保和社保卡申领一次办好。",
        [
            ("cert", "出生医学证明", "FZ-WJW", 1, ["父母身份证", "结婚证", "住院分娩记录"], []),
            ("vaccine", "预防接种证", "FZ-WJW", 1, ["出生医学证明"], ["cert"]),
            (
                "hukou",
                "户口登记（出生登记）",
                "FZ-GAJ",
                1,
                ["出生医学证明", "父母户口簿", "结婚证"],
                ["cert"],
            ),
            ("medical", "城乡居民医保参保登记", "FZ-YBJ", 1, ["新生儿户口簿"], ["hukou"]),
            ("sscard", "社会保障卡申领", "FZ-RSJ", 3, ["新生儿户口簿", "监护人身份证"], ["hukou"]),
        ],
        [
            ("baby", "新生儿姓名", "text", "", ["cert", "vaccine", "hukou", "medical", "sscard"]),
            ("born", "出生日期", "date", "", ["cert", "vaccine", "hukou"]),
            ("sex", "性别", "choice", "男、女", ["cert", "hukou", "medical"]),
            ("mother_id", "母亲身份证号", "id", "", ["cert", "hukou", "medical", "sscard"]),
            ("father_name", "父亲姓名", "text", "", ["cert", "hukou"]),
            ("hospital", "出生医院", "text", "", ["cert", "vaccine"]),
        ],
    ),
    (
        "retire",
        "退休一件事",
        "达到退休年龄，一次申请：养老保险待遇核定、医保退休待遇、公积金提取、社保卡待遇发放、老年人优待证。",
        [
            ("pension", "基本养老保险待遇核定", "FZ-RSJ", 20, ["身份证", "人事档案", "银行卡"], []),
            ("medical", "医保退休人员待遇核定", "FZ-YBJ", 10, ["身份证"], ["pension"]),
            (
                "fund",
                "退休提取住房公积金",
                "FZ-GJJ",
                3,
                ["身份证", "退休证明", "银行卡"],
                ["pension"],
            ),
            ("card", "社保卡待遇发放账户激活", "FZ-RSJ", 3, ["社会保障卡"], ["pension"]),
            ("senior", "老年人优待证", "FZ-MZJ", 5, ["身份证", "免冠照片"], []),
        ],
        [
            ("id", "身份证号", "id", "", ["pension", "medical", "fund", "card", "senior"]),
            ("employer", "原工作单位", "text", "", ["pension", "fund"]),
            ("bank", "待遇发放银行卡号", "text", "", ["pension", "card", "fund"]),
        ],
    ),
    (
        "restaurant",
        "开办餐饮店一件事",
        "开一家餐饮店，一次申请营业执照、食品经营许可、公章刻制、户外招牌、员工参保和公积金开户。",
        [
            ("licence", "营业执照（设立登记）", "FZ-SCJ", 1, ["经营者身份证", "经营场所证明"], []),
            (
                "food",
                "食品经营许可",
                "FZ-SCJ",
                10,
                ["经营场所平面图", "食品安全管理制度", "从业人员健康证明"],
                ["licence"],
            ),
            ("seal", "公章刻制备案", "FZ-GAJ", 1, ["营业执照"], ["licence"]),
            ("sign", "户外招牌设置", "FZ-CGW", 5, ["招牌效果图"], ["licence"]),
            ("insure", "员工参保登记", "FZ-RSJ", 1, ["员工名册"], ["licence"]),
            ("fund", "住房公积金单位开户", "FZ-GJJ", 1, ["营业执照"], ["licence"]),
        ],
        [
            ("shop", "店名", "text", "", ["licence", "food", "seal", "sign", "insure", "fund"]),
            ("owner_id", "经营者身份证号", "id", "", ["licence", "food", "seal"]),
            ("address", "经营地址", "text", "", ["licence", "food", "sign"]),
            ("staff", "员工人数", "text", "", ["insure", "fund"]),
        ],
    ),
]

MOTHER_ID = "350102199001011238"  # a valid check digit; the demo's own number


def _handler(code: str) -> User | None:
    user = User.objects.filter(username=f"u_{code}").first()
    return user or (
        User.objects.filter(memberships__unit__code=code, memberships__role="handler")
        .order_by("pk")
        .first()
    )


def make_bundles(window: Unit) -> list[Bundle]:
    """The three bundles as data (what an administrator would enter), when their departments
    exist; a bundle whose department is missing is left out."""
    made = []
    units = {u.code: u for u in Unit.objects.filter(code__startswith="FZ-")}
    for code, name, summary, items, fields in BUNDLES:
        if Bundle.objects.filter(code=code).exists():
            made.append(Bundle.objects.get(code=code))
            continue
        if any(i[2] not in units for i in items):
            continue
        bundle = Bundle.objects.create(
            code=code, name=name, summary=summary, window=window, window_address=WINDOW_ADDRESS
        )
        rows = {}
        for order, (icode, iname, unit, limit, materials, _after) in enumerate(items):
            rows[icode] = Item.objects.create(
                bundle=bundle,
                code=icode,
                name=iname,
                unit=units[unit],
                limit_workdays=limit,
                materials=materials,
                order=order,
            )
        for icode, *_rest, after in items:
            rows[icode].depends_on.set([rows[a] for a in after])
        for order, (key, label, kind, choices, used) in enumerate(fields):
            f = Field.objects.create(
                bundle=bundle, key=key, label=label, kind=kind, choices=choices, order=order
            )
            f.items.set([rows[u] for u in used])
        made.append(bundle)
    return made


def _form_photo() -> bytes:
    image = Image.new("RGB", (480, 320), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 300), outline=(40, 40, 40), width=3)
    draw.line((300, 250, 420, 230), fill=(20, 20, 120), width=4)  # the elder's signature
    buffer = BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def _finish(work: Work) -> None:
    user = _handler(work.item.unit.code)
    if user is not None:
        write.approve(work, by=user, note="已办结，证件可到窗口领取或邮寄。")


def load(*, now: datetime, log: Callable[[str], None], password: str) -> None:
    window = Unit.objects.filter(code=WINDOW).first()
    if window is None or Application.objects.filter(number__startswith="YJS").exists():
        return
    with transaction.atomic():
        bundles = {b.code: b for b in make_bundles(window)}
        if "birth" not in bundles:
            return
        _applications(bundles)
        _slots(window, now)
    log(f"一件事一次办：{len(bundles)} 件事，{Application.objects.count()} 份申请，视频预审时段")


def _birth(name: str, phone: str, baby: str, **extra: Any) -> Application:
    return write.apply(
        extra.pop("bundle"),
        name=name,
        phone=phone,
        answers={
            "baby": baby,
            "born": str(timezone.localdate()),
            "sex": "女",
            "mother_id": MOTHER_ID,
            "father_name": "林建国",
            "hospital": "福建省妇幼保健院",
        },
        **extra,
    )


def _applications(bundles: dict[str, Bundle]) -> None:
    birth = bundles["birth"]
    # Just applied: 出生医学证明 is out; the items after it wait.
    _birth("陈丽", "13800000101", "林小满", bundle=birth)
    # Half done: the certificate is issued, 户口 and 预防接种证 are out side by side.
    half = _birth("王芳", "13800000102", "郑一诺", bundle=birth)
    _finish(half.works.get(item__code="cert"))
    # Sent back: 户口登记 wants the parents' 户口簿 again; the vaccination booklet goes on.
    back = _birth("刘婷", "13800000103", "黄子墨", bundle=birth)
    _finish(back.works.get(item__code="cert"))
    hukou = back.works.get(item__code="hukou")
    officer = _handler("FZ-GAJ")
    if officer is not None:
        write.reject(
            hukou,
            by=officer,
            material="父母户口簿",
            reason="户口簿照片模糊，请重新上传户主页和本人页。",
        )
    # Finished: every item done, one SMS queued.
    done = _birth("张敏", "13800000104", "张安然", bundle=birth)
    for _ in range(3):
        for work in done.works.filter(state=Work.State.RUNNING):
            _finish(work)
    # 亲友代办: a daughter applies for her father's retirement bundle.
    if "retire" in bundles:
        auth = write.authorise(
            principal_phone="13800000201",
            principal_name="林国栋",
            proxy_phone="13800000202",
            proxy_name="林晓红",
            relation="女儿",
            bundles=[bundles["retire"]],
            valid_until=timezone.localdate().replace(year=timezone.localdate().year + 1),
            evidence="photo",
            photo=_form_photo(),
        )
        write.apply(
            bundles["retire"],
            name="",
            phone="",
            answers={
                "id": "350102196001011234",
                "employer": "福州第二纺织厂",
                "bank": "6222020000001234",
            },
            proxy=auth,
        )
    if "restaurant" in bundles:
        write.apply(
            bundles["restaurant"],
            name="何志强",
            phone="13800000301",
            answers={
                "shop": "何记鱼丸",
                "owner_id": "350102198505051239",
                "address": "鼓楼区东街 88 号",
                "staff": "4",
            },
        )


def _slots(window: Unit, now: datetime) -> None:
    calendar = official_calendar()
    today = timezone.localdate(now)
    days = [calendar.add_workdays(today, n)[0] for n in (1, 2)]
    times = [time(9, 0), time(9, 30), time(10, 0), time(10, 30), time(14, 30), time(15, 0)]
    made = []
    for day in days:
        made += calls.add_slots(window, day=day, times=times)
    first = Application.objects.filter(bundle__code="birth", state="running").order_by("pk").first()
    if first is not None and made:
        calls.book(first, made[0])
