"""Where facts come from: source documents and the citations that tie records to them."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..partial_dates import format_partial_date
from ..record_types import record_type
from .base import partial_date_constraints, partial_date_fields
from .querysets import DirectoryQuerySet, keeps_update_time
from .rules import RuledModel
from .search import SearchTextField


class SourceLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")
    KOREAN = "ko", _("Korean")
    CHINESE = "zh", _("Chinese")


class SourceKind(models.TextChoices):
    ARTICLE = "article", _("journal article or paper")
    SUMMARY = "summary", _("summary or abstract")
    SPEECH = "speech", _("speech or conference paper")
    NEWS = "news", _("news article")
    REPORT = "report", _("report")
    DATASET = "dataset", _("dataset")
    OTHER = "other", _("other document")


class SourceQuerySet(DirectoryQuerySet):
    def listed(self) -> "SourceQuerySet":
        return self.with_citation_count().without_long_text()

    def serialized(self) -> "SourceQuerySet":
        return self.with_citation_count()


@record_type("source", "sources", _("Sources"), position=9)
class Source(RuledModel):
    """A document the directory's facts are taken from."""

    title = models.CharField(_("title"), max_length=500, help_text=_("In the document's language."))
    title_en = models.CharField(
        _("title (English)"),
        max_length=500,
        blank=True,
        help_text=_("The document's own English title, if it has one."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.OTHER
    )
    authors = models.CharField(
        _("authors"), max_length=300, blank=True, help_text=_("As the document names them.")
    )
    publisher = models.CharField(_("publisher or outlet"), max_length=300, blank=True)
    published, published_precision = partial_date_fields(
        _("publication date"), _("precision of the publication date")
    )
    language = models.CharField(_("language"), max_length=2, choices=SourceLanguage.choices)
    file_name = models.CharField(
        _("file name"),
        max_length=200,
        unique=True,
        help_text=_("The document's file name in the source set."),
    )
    extent = models.CharField(
        _("pages or sections"),
        max_length=100,
        blank=True,
        help_text=_('How the document is divided, e.g. "pp. 36–42" or "sections 1–5".'),
    )
    url = models.URLField(_("web address"), blank=True)
    licence = models.CharField(
        _("licence"),
        max_length=100,
        blank=True,
        help_text=_(
            "The licence the document or dataset is published under, by its SPDX id where it "
            "has one (CC-BY-4.0); the About page credits those that ask for attribution."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    search_text = SearchTextField("title", "title_en", "authors", "publisher", "file_name")

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["file_name"]
        constraints = partial_date_constraints("source", "published")

    def __str__(self) -> str:
        return self.reader_title

    def shows_own_title_in(self, language: str) -> bool:
        """Whether a reader of ``language`` (en, ja, ko, zh or a code like zh-hans) sees the
        document's own title: when it is written in their language, or has no English one."""
        code = (language or "en").split("-")[0].lower()
        return code == self.language or not self.title_en

    def title_in(self, language: str) -> str:
        """The title a reader of ``language`` sees: the document's own in their language,
        else its English title, else its own."""
        return self.title if self.shows_own_title_in(language) else self.title_en

    @property
    def reader_title(self) -> str:
        """The title in the active language, as pages, citations and the admin show it.
        Downloads name documents by file name and keep both titles as they are."""
        return self.title_in(get_language() or "en")

    @property
    def reader_title_language(self) -> str:
        """The language ``reader_title`` is written in, for its ``lang`` attribute."""
        return self.language if self.shows_own_title_in(get_language() or "en") else "en"

    @property
    def published_display(self) -> str:
        return format_partial_date(self.published, self.published_precision)


class Citation(RuledModel):
    """Links any directory record to the source that states it, with a page or section."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", verbose_name=_("source")
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("record type")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    locator = models.CharField(
        _("page or section"),
        max_length=100,
        help_text=_('Where in the source: "p. 38", "Table 1, p. 39", "section 3".'),
    )
    quote = models.TextField(
        _("quote"), blank=True, help_text=_("A short passage of the source, in its own words.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["source__file_name", "locator", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_type", "object_id", "locator"],
                name="citation_unique_locator_per_record",
                violation_error_message=_("This record already cites that page of that source."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.locator}"


def touch_cited_record(sender, instance: Citation, raw: bool = False, **kwargs) -> None:
    """A record's citations are part of what the site and the API show of it: saving or
    deleting one moves the record's ``updated`` on, so that ``updated_since``, ETags and the
    admin's check for a newer change all see it. An update, not a save: the record's own
    history and derived fields stay as they are."""
    if raw or instance.content_type_id is None:
        return
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    pks = [instance.object_id]
    # A row shown within another record (a firm's sales route): that record changes.
    if within := getattr(model, "cited_within", None):
        names = (within,) if isinstance(within, str) else within
        owners = [model._meta.get_field(name) for name in names]
        row = model._default_manager.filter(pk=instance.object_id)
        pks = list(row.values_list(*(owner.attname for owner in owners)).first() or ())
        model = owners[0].related_model
    if model is None or not keeps_update_time(model):
        return
    model._default_manager.filter(pk__in=pks).update(updated=timezone.now())
