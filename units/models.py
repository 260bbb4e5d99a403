"""The command tree: unit kinds, units with dated parent links, Ban CHQS, formations, users.

`units` imports no other app of ours (ARCHITECTURE.md): personnel, training and reports
build on it.
"""

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from simple_history.models import HistoricalRecords

from chqs.text import fold

CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    "Mã chỉ gồm chữ không dấu, chữ số và các ký tự . _ - (không có dấu cách).",
)


def today() -> dt.date:
    return timezone.localdate()


class UnitKind(models.Model):
    """A kind of node in the command tree (province, region, district, commune, agency).

    Kinds are data so that a new reform adds a row, not a release.
    """

    code = models.SlugField("mã loại", max_length=30, unique=True)
    name = models.CharField("tên loại", max_length=120, unique=True)
    default_level = models.CharField("cấp mặc định", max_length=10, blank=True)
    is_agency = models.BooleanField("là cơ quan, tổ chức", default=False)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "loại đơn vị"
        verbose_name_plural = "loại đơn vị"

    def __str__(self) -> str:
        return self.name


class AgencyType(models.Model):
    code = models.SlugField("mã", max_length=30, unique=True)
    name = models.CharField("tên", max_length=120, unique=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "loại hình cơ quan"
        verbose_name_plural = "loại hình cơ quan"

    def __str__(self) -> str:
        return self.name


class ForceKind(models.Model):
    """Kind of force (thành phần, Luật DQTV Điều 6): tại chỗ, cơ động, phòng không..."""

    code = models.SlugField("mã", max_length=30, unique=True)
    name = models.CharField("tên", max_length=120, unique=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "thành phần lực lượng"
        verbose_name_plural = "thành phần lực lượng"

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    PROVINCE = "tinh", "Cấp tỉnh"
    DISTRICT = "huyen", "Cấp huyện"
    COMMUNE = "xa", "Cấp xã"


SUBTREE_SQL = """
WITH RECURSIVE sub(id) AS (
    SELECT CAST(%s AS BIGINT)
    UNION
    SELECT l.unit_id FROM units_unitlink l JOIN sub ON l.parent_id = sub.id
    WHERE l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to > %s)
)
SELECT id FROM sub
"""


class UnitQuerySet(models.QuerySet):
    def subtree(self, root: "Unit | int", on: dt.date | None = None) -> "UnitQuerySet":
        """Units under `root` (itself included) as the tree stood on date `on`.

        One recursive query, composable with other filters; works on SQLite and
        PostgreSQL alike. UNION (not UNION ALL) stops on a cycle.
        """
        on = on or today()
        root_id = root.pk if isinstance(root, Unit) else int(root)
        return self.filter(id__in=RawSQL(SUBTREE_SQL, (root_id, on, on)))

    def active_on(self, on: dt.date | None = None) -> "UnitQuerySet":
        on = on or today()
        return self.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))

    def agencies(self) -> "UnitQuerySet":
        return self.filter(kind__is_agency=True)

    def search(self, text: str) -> "UnitQuerySet":
        """Accent- and case-insensitive search: "can tho" finds "Cần Thơ"."""
        folded = fold(text)
        if not folded:
            return self
        qs = self
        for word in folded.split(" "):
            qs = qs.filter(search_text__contains=word)
        return qs


class Unit(models.Model):
    code = models.CharField("mã đơn vị", max_length=40, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField("tên đơn vị", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=80, blank=True)
    kind = models.ForeignKey(UnitKind, models.PROTECT, verbose_name="loại đơn vị")
    level = models.CharField("cấp", max_length=10, choices=Level.choices, blank=True)
    agency_type = models.ForeignKey(
        AgencyType, models.PROTECT, null=True, blank=True, verbose_name="loại hình cơ quan"
    )
    staff_count = models.PositiveIntegerField("tổng số CBCNV", null=True, blank=True)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    # NĐ 30/2020 (Phụ lục I): the superior body's name above the issuer's. Taken from the
    # tree when the unit has a parent; a top unit (a province command) keeps it here.
    superior_body = models.CharField(
        "cơ quan chủ quản",
        max_length=255,
        blank=True,
        help_text="In trên tên đơn vị ở góc trái văn bản khi đơn vị không có đơn vị cấp trên "
        "trong hệ thống. Ví dụ: Quân khu 9.",
    )
    dissolved_on = models.DateField("ngày giải thể", null=True, blank=True)
    dissolved_reason = models.CharField("lý do giải thể", max_length=255, blank=True)
    # Folded code + names, kept by save(): accent-insensitive search on every database.
    search_text = models.CharField(max_length=600, editable=False, db_index=True, default="")
    history = HistoricalRecords(excluded_fields=["search_text"])

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["kind__order", "name"]
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.code} {self.name} {self.short_name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_agency(self) -> bool:
        return self.kind.is_agency

    def is_dissolved(self, on: dt.date | None = None) -> bool:
        return self.dissolved_on is not None and self.dissolved_on <= (on or today())

    def link_on(self, on: dt.date | None = None) -> "UnitLink | None":
        on = on or today()
        return (
            self.parent_links.filter(valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
            .select_related("parent")
            .first()
        )

    def parent_on(self, on: dt.date | None = None) -> "Unit | None":
        link = self.link_on(on)
        return link.parent if link else None

    def superior_body_on(self, on: dt.date | None = None) -> str:
        """The name printed above the unit's own on its documents (cơ quan chủ quản): its
        parent's on `on`, or, with no parent then, the one kept on the unit."""
        parent = self.parent_on(on)
        return parent.name if parent is not None else self.superior_body

    def ancestors(self, on: dt.date | None = None) -> list["Unit"]:
        """From the root down to the direct parent, as the tree stood on `on`."""
        chain: list[Unit] = []
        seen = {self.pk}
        parent = self.parent_on(on)
        while parent is not None and parent.pk not in seen:
            chain.append(parent)
            seen.add(parent.pk)
            parent = parent.parent_on(on)
        return list(reversed(chain))


class UnitLink(models.Model):
    """`unit` sat under `parent` from `valid_from` (inclusive) to `valid_to` (exclusive).

    A move closes the open link and opens a new one; nothing is overwritten, so a
    report about 2023 sees 2023's tree.
    """

    unit = models.ForeignKey(
        Unit, models.CASCADE, related_name="parent_links", verbose_name="đơn vị"
    )
    parent = models.ForeignKey(
        Unit, models.PROTECT, related_name="child_links", verbose_name="đơn vị cấp trên"
    )
    valid_from = models.DateField("hiệu lực từ ngày")
    valid_to = models.DateField("hết hiệu lực từ ngày", null=True, blank=True)
    decision = models.CharField("căn cứ (quyết định)", max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit", "valid_from"]
        verbose_name = "quan hệ trực thuộc"
        verbose_name_plural = "quan hệ trực thuộc"
        indexes = [models.Index(fields=["parent", "valid_from", "valid_to"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(valid_to__isnull=True), name="one_open_link_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="link_ends_after_it_starts",
            ),
            models.CheckConstraint(condition=~Q(unit=models.F("parent")), name="link_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.parent}"


class BoardStatus(models.TextChoices):
    ACTIVE = "active", "Đang hoạt động"
    NOT_ESTABLISHED = "not_established", "Chưa thành lập"
    DISSOLVED = "dissolved", "Giải thể"


class BoardPositionKind(models.Model):
    """A seat on a Ban CHQS (NĐ 72/2020 Điều 4): how many are expected and allowed."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("chức vụ", max_length=120, unique=True)
    min_count = models.PositiveSmallIntegerField("số tối thiểu", default=1)
    max_count = models.PositiveSmallIntegerField("số tối đa", default=1)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = "chức vụ Ban CHQS"
        verbose_name_plural = "chức vụ Ban CHQS"

    def __str__(self) -> str:
        return self.name


class Board(models.Model):
    """The Ban CHQS of an agency or commune, established by a provincial decision."""

    unit = models.OneToOneField(Unit, models.CASCADE, related_name="board", verbose_name="đơn vị")
    status = models.CharField(
        "tình trạng", max_length=20, choices=BoardStatus.choices, default=BoardStatus.ACTIVE
    )
    decision_number = models.CharField("số quyết định thành lập", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_signer = models.CharField("người ký", max_length=120, blank=True)
    notes = models.TextField("ghi chú", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Ban CHQS"
        verbose_name_plural = "Ban CHQS"

    def __str__(self) -> str:
        return f"Ban CHQS {self.unit}"

    def seats(self) -> list[dict]:
        """Each position with its current holders and how many seats are vacant.

        Holders come from the apps that keep appointments (units.extensions); with none,
        every required seat shows as vacant.
        """
        from .extensions import board_holders

        holders_by_kind = board_holders(self)
        rows = []
        for kind in BoardPositionKind.objects.all():
            holders = holders_by_kind.get(kind.pk, [])
            rows.append(
                {
                    "kind": kind,
                    "holders": holders,
                    "vacant": max(kind.min_count - len(holders), 0),
                }
            )
        return rows

    def is_complete(self) -> bool:
        return all(seat["vacant"] == 0 for seat in self.seats())


class FormationLevel(models.TextChoices):
    TEAM = "to", "Tổ"
    SQUAD = "tieu_doi", "Tiểu đội"
    CREW = "khau_doi", "Khẩu đội"
    PLATOON = "trung_doi", "Trung đội"
    COMPANY = "dai_doi", "Đại đội"
    BATTALION = "tieu_doan", "Tiểu đoàn"


class Formation(models.Model):
    """A self-defence unit inside an agency: a small tree of tổ … tiểu đoàn."""

    agency = models.ForeignKey(
        Unit, models.CASCADE, related_name="formations", verbose_name="cơ quan, tổ chức"
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="thuộc đơn vị tự vệ",
    )
    code = models.CharField("mã", max_length=40, validators=[CODE_VALIDATOR])
    name = models.CharField("tên", max_length=200)
    level = models.CharField("cấp tổ chức", max_length=12, choices=FormationLevel.choices)
    force_kind = models.ForeignKey(ForceKind, models.PROTECT, verbose_name="thành phần")
    dissolved_on = models.DateField("ngày giải thể", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency", "code"]
        verbose_name = "đơn vị tự vệ"
        verbose_name_plural = "đơn vị tự vệ"
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="formation_code_per_agency"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị"
    STAFF = "staff", "Trợ lý"
    CLERK = "clerk", "Văn thư"
    COMMANDER = "commander", "Chỉ huy"


class User(AbstractUser):
    """A user is attached to one unit; the role says what they may do under it."""

    role = models.CharField("vai trò", max_length=12, choices=Role.choices, default=Role.COMMANDER)
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="users", verbose_name="đơn vị"
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def get_full_name(self) -> str:
        # Vietnamese order: family and middle names first ("Trần Thanh Bình").
        return " ".join(part for part in (self.last_name, self.first_name) if part).strip()
