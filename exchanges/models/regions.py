"""Government areas at every level, from a country's provinces down to districts."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Concat, Upper
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from ..record_types import record_type
from .base import DirectoryRecord, MultilingualNames
from .indexes import SortIndex, TrigramIndex
from .querysets import CITED_SOURCES, DirectoryQuerySet
from .search import SearchTextField

# How far below a region the ``region`` filters reach: Jilin → Yanbian → Yanji → its districts.
SUBTREE_DEPTH = 3
ANCESTORS = "__".join(["parent"] * SUBTREE_DEPTH)  # select_related path to the top

# Addresses under /regions/ that are pages of the directory, not regions.
RESERVED_SLUGS = ("suggest",)


class RegionLevel(models.TextChoices):
    COUNTRY = "country", _("country")
    STATE = "state", _("state")
    PROVINCE = "province", _("province")
    AUTONOMOUS_REGION = "autonomous_region", _("autonomous region")
    SPECIAL_ADMINISTRATIVE_REGION = (
        "special_administrative_region",
        _("special administrative region"),
    )
    PREFECTURE = "prefecture", _("prefecture")
    AUTONOMOUS_PREFECTURE = "autonomous_prefecture", _("autonomous prefecture")
    MUNICIPALITY = "municipality", _("municipality under central government")
    METROPOLITAN_CITY = "metropolitan_city", _("metropolitan or special city")
    CITY = "city", _("city")
    COUNTY = "county", _("county")
    DISTRICT = "district", _("district")
    TOWN = "town", _("town")
    VILLAGE = "village", _("village")
    OTHER = "other", _("other")


class RegionOrigin(models.TextChoices):
    """Where a region's record comes from; its citations say what supports its facts."""

    REPORT = "report", _("named in a source report")
    GAZETTEER = "gazetteer", _("official list of local governments (gazetteer)")
    STAFF = "staff", _("added by staff")


# ISO 3166-2 codes: the country's alpha-2 code, a hyphen, one to three letters or digits.
ISO_3166_2_PATTERN = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
# National codes are digits: JIS X 0402 (15211), GB/T 2260 (222401), 법정동코드 (2614000000).
NATIONAL_CODE_PATTERN = r"^[0-9]{2,12}$"


class CoordinatesBasis(models.TextChoices):
    SOURCE = "source", _("stated in a cited source")
    CONTEXT = "context", _("general reference, added as context (not from the sources)")


def top_region_of(path: str) -> Coalesce:
    """The first-level region (a province, a prefecture) that the region at ``path`` lies in,
    or the region itself when it has no parent: its topmost ancestor within SUBTREE_DEPTH."""
    ancestors = [f"{path}{'__parent' * depth}" for depth in range(SUBTREE_DEPTH, 0, -1)]
    return Coalesce(*ancestors, path)


class RegionQuerySet(DirectoryQuerySet):
    def listed(self) -> "RegionQuerySet":
        return self.select_related("parent").without_long_text("parent")

    def serialized(self) -> "RegionQuerySet":
        return self.select_related("parent", "capital").prefetch_related(CITED_SOURCES)

    def subtree(self, **lookup) -> models.QuerySet:
        """Ids of the regions matching ``lookup`` and of those up to SUBTREE_DEPTH levels below
        them: one subquery per level, each served by the index on ``parent``."""
        level = Region.objects.filter(**lookup).order_by().values("pk")
        levels = [level]
        for _depth in range(SUBTREE_DEPTH):
            level = Region.objects.filter(parent__in=level).order_by().values("pk")
            levels.append(level)
        first, *below = levels
        return first.union(*below, all=True)


def ancestor_names(region) -> list[str]:
    """The names of the regions above ``region``, which its search text holds too: searching
    부산 finds Busan's districts, whose own names are just 서구 or 영도구."""
    try:
        ancestors = region.ancestors()
    except Region.DoesNotExist:  # a fixture that names a parent loaded after it
        return []
    return [getattr(ancestor, name) for ancestor in ancestors for name in Region.NAME_FIELDS]


@record_type("region", "regions", _("Regions"), position=1, lookup="slug")
class Region(MultilingualNames, DirectoryRecord):
    """A government area: Niigata Prefecture, Mitsuke City, Yanbian Korean Autonomous Prefecture."""

    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("The region's address in the directory."),
    )
    # A place the gazetteer lists may have no English name that a trusted dataset gives:
    # it is left empty, never transliterated, and pages show the name in its own script.
    name_en = models.CharField(
        _("name (English)"),
        max_length=200,
        blank=True,
        help_text=_(
            "As a trusted source writes it; left empty rather than transliterated. Pages show "
            "the name in the region's own script where there is none."
        ),
    )
    country = CountryField(_("country"), help_text=_("ISO 3166-1 alpha-2 code."))
    level = models.CharField(_("level"), max_length=30, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
        help_text=_("The region it belongs to: Mitsuke → Niigata; Yanji → Yanbian → Jilin."),
    )
    capital = models.ForeignKey(
        "self",
        # Deleting a capital would silently clear it on the regions it is the capital of.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="capital_of",
        verbose_name=_("capital"),
        help_text=_("The region's seat of government, if recorded."),
    )
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("population year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
        help_text=_("The year the population figure is for, when the source says."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
    )
    coordinates_basis = models.CharField(
        _("coordinates basis"),
        max_length=10,
        choices=CoordinatesBasis.choices,
        blank=True,
        help_text=_(
            "Where the latitude and longitude come from. Positions added for the map from "
            "general reference (the seat of government) are context, not facts of the sources."
        ),
    )
    wikidata_id = models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9][0-9]*$", _("A Wikidata id looks like Q41309."))],
    )

    iso_3166_2 = models.CharField(
        _("ISO 3166-2 code"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(ISO_3166_2_PATTERN, _("An ISO 3166-2 code looks like JP-15."))],
        help_text=_(
            "The international code of a first-level region: JP-15 (Niigata), KR-26 (Busan), "
            "CN-JL (Jilin)."
        ),
    )
    national_code = models.CharField(
        _("national code"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(NATIONAL_CODE_PATTERN, _("A national code is 2 to 12 digits."))],
        help_text=_(
            "The country's own code for the region: Japan's local government code (JIS X 0402, "
            "five digits: 15211), China's administrative division code (GB/T 2260: 222401), "
            "Korea's legal administrative code (법정동코드, ten digits: 2614000000)."
        ),
    )
    origin = models.CharField(
        _("origin"),
        max_length=10,
        choices=RegionOrigin.choices,
        default=RegionOrigin.STAFF,
        # Set by whoever creates the record (a loader, or staff by default), never typed.
        editable=False,
        help_text=_(
            "Where the record comes from: a source report, the official list of local "
            "governments, or staff. Its citations say what supports each fact."
        ),
    )

    other_names = models.CharField(
        _("other names"),
        max_length=500,
        blank=True,
        help_text=_(
            "Other names and spellings readers search for, separated by semicolons: a common "
            "form beside the standard one (연길시 beside 옌지시), a former name. Searched like "
            "the names."
        ),
    )

    search_text = SearchTextField(
        *MultilingualNames.NAME_FIELDS,
        "other_names",
        "slug",
        "wikidata_id",
        "iso_3166_2",
        "national_code",
        also=ancestor_names,
    )

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name_en", "pk"]
        indexes = [
            models.Index(fields=["country", "level"]),
            models.Index(fields=["country", "name_en", "id"], name="region_country_order"),
            models.Index(fields=["level", "name_en", "id"], name="region_level_order"),
            models.Index(fields=["parent", "name_en", "id"], name="region_parent_order"),
            SortIndex("population", name="region_population_order"),
            models.Index(fields=["name_en", "id"], name="region_name_order"),
            # updated_since, a partner's sync.
            models.Index(fields=["updated"], name="region_updated"),
            TrigramIndex(fields=["search_text"], name="region_search_trigram"),
            models.Index(fields=["origin", "name_en", "id"], name="region_origin_order"),
            # A region named in a filter by its full name (region_fields.named_regions).
            models.Index(Upper("name_en"), name="region_name_en_upper"),
            models.Index(fields=["name_ja"], name="region_name_ja"),
            models.Index(fields=["name_zh"], name="region_name_zh"),
            models.Index(fields=["name_ko"], name="region_name_ko"),
        ]
        constraints = [
            # Each unique where given; a national code is served by this index alone too.
            models.UniqueConstraint(
                fields=["national_code", "country"],
                condition=~Q(national_code=""),
                name="region_national_code_unique",
                violation_error_message=_("Another region of this country has this code."),
            ),
            models.UniqueConstraint(
                fields=["iso_3166_2"],
                condition=~Q(iso_3166_2=""),
                name="region_iso_3166_2_unique",
                violation_error_message=_("Another region has this ISO 3166-2 code."),
            ),
            models.CheckConstraint(
                condition=Q(iso_3166_2="")
                | Q(iso_3166_2__startswith=Concat("country", Value("-"))),
                name="region_iso_3166_2_in_country",
                violation_error_message=_(
                    "An ISO 3166-2 code begins with the region's country code and a hyphen."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(name_en="", name_ja="", name_zh="", name_ko=""),
                name="region_name_en_or_another_name",
                violation_error_message=_("Give the region's name in at least one script."),
            ),
            models.CheckConstraint(
                condition=~Q(slug__in=RESERVED_SLUGS),
                name="region_slug_not_reserved",
                violation_error_message=_("This slug is the address of a page of the directory."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="region_not_own_parent",
                violation_error_message=_("A region cannot be its own parent."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="region_latitude_range",
                violation_error_message=_("Latitude lies between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="region_longitude_range",
                violation_error_message=_("Longitude lies between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="region_coordinates_paired",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, coordinates_basis="")
                | Q(latitude__isnull=False, coordinates_basis__in=CoordinatesBasis.values),
                name="region_coordinates_basis_given",
                violation_error_message=_(
                    "Say where the coordinates come from, and only when there are coordinates."
                ),
            ),
            models.CheckConstraint(
                condition=Q(population__isnull=False) | Q(population_year__isnull=True),
                name="region_population_year_needs_population",
                violation_error_message=_("A population year needs a population."),
            ),
        ]

    @property
    def native_country(self) -> str:
        return str(self.country)

    def ancestors(self) -> list["Region"]:
        """Parent, grandparent, … up to the top; stops at a cycle rather than looping."""
        chain, seen, node = [], {self.pk}, self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def parent_names(self) -> list[str]:
        """The names of the regions above, nearest first, in the reader's language: what tells
        서구 of Busan from 서구 of Incheon wherever a region is offered to pick."""
        return [str(ancestor.name) for ancestor in self.ancestors()]

    def clean(self):
        # A parent inside the region is a cycle across rows, which no CHECK constraint sees.
        if (
            self.pk is not None
            and self.parent_id not in (None, self.pk)
            and any(ancestor.pk == self.pk for ancestor in self.parent.ancestors())
        ):
            raise ValidationError({"parent": _("This parent lies inside the region itself.")})


@receiver(post_save, sender=Region)
def refresh_search_text_below(sender, instance, raw=False, **kwargs):
    """A region renamed or moved: the regions within it search by its names, so their search
    text is derived anew (a fixture loaded children first gets their parents' names here too)."""
    below = (
        Region.objects.filter(pk__in=Region.objects.subtree(pk=instance.pk))
        .exclude(pk=instance.pk)
        .select_related(ANCESTORS)
    )
    field = Region._meta.get_field("search_text")
    changed = []
    for region in below:
        text = field.derive(region)
        if text != region.search_text:
            region.search_text = text
            changed.append(region)
    if changed:
        Region.objects.bulk_update(changed, ["search_text"], batch_size=500)
