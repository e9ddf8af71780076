"""The admin's spreadsheet import and export, hardened: mixed into every import/export admin.

- Formats: the ones in ``spreadsheets.py``, whose exported cells are safe to open and whose
  imports refuse an oversized, overlong, crafted or garbled file with a message.
- The upload is refused above ``SPREADSHEET_IMPORT_MAX_BYTES`` before it is read.
- A text file (CSV, TSV) is read in the encoding staff choose, or the one it was saved in
  (``text_encodings.py``): Excel saves Shift_JIS on Japanese Windows, EUC-KR on Korean. The
  form hands the library the text as UTF-8, so the confirm step reads what the preview showed,
  and the preview says which encoding it was read in.
- The export form lists each column by its name in the reader's language.
- The confirm step's hidden fields are signed for the user and the model when the preview is
  shown: a changed, missing or stale field, or a file that is gone (imported already), redisplays
  the form with a message and a 400 instead of reading whatever file the fields name.
- Updating an existing record needs the change permission (``resources.DirectoryResource``).
"""

import contextlib
import os

from django import forms
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import admin as import_export_admin
from import_export.forms import ConfirmImportForm, ImportForm, SelectableFieldsExportForm
from import_export.tmp_storages import TempFolderStorage

from . import spreadsheets, text_encodings
from .resources import resource_for

CONFIRM_SALT = "exchanges.admin_imports.confirm"
CONFIRM_MAX_AGE = 12 * 60 * 60  # seconds a preview stays confirmable
SIGNED_FIELDS = ("import_file_name", "original_file_name", "format", "resource")


def signed_values(values: dict, scope: str) -> list[str]:
    """What the confirm step must send back unchanged, for this user and model (``scope``)."""
    name = os.path.basename(str(values.get("import_file_name") or ""))
    rest = [str(values.get(field) or "").strip() for field in SIGNED_FIELDS[1:]]
    return [scope, name, *rest]


def naming_the_file(form, problem) -> str:
    """A refusal of the uploaded file, naming the form's field as the form shows it."""
    return gettext("%(field)s: %(problem)s") % {
        "field": form.fields["import_file"].label,
        "problem": problem,
    }


class LimitedImportForm(ImportForm):
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        choices=text_encodings.CHOICES,
        initial=text_encodings.DETECT,
        required=False,
        help_text=_(
            "Of a CSV or TSV file (an XLSX workbook says its own). “Detect” reads UTF-8, with or "
            "without a byte-order mark, Shift_JIS, EUC-KR and GB18030."
        ),
    )
    field_order = ["resource", "import_file", "format", "encoding"]

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        self.decoded: text_encodings.Decoded | None = None  # how a text file was read

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            spreadsheets.check_size(upload.size)
        except spreadsheets.SpreadsheetRefused as refusal:
            raise ValidationError(str(refusal), code="too_big") from refusal
        return upload

    def clean(self):
        """A text file, decoded, becomes the same text in UTF-8 for the library to read."""
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload is None or chosen in (None, "") or self.formats[int(chosen)]().is_binary():
            return cleaned
        upload.seek(0)
        try:
            self.decoded = text_encodings.decode(
                upload.read(), cleaned.get("encoding") or text_encodings.DETECT
            )
        except text_encodings.UnreadableText as refusal:
            self.add_error("import_file", naming_the_file(self, refusal))
            return cleaned
        cleaned["import_file"] = SimpleUploadedFile(
            upload.name, self.decoded.text.encode("utf-8"), upload.content_type
        )
        return cleaned

    def read_as(self) -> str:
        """What the preview says of the encoding a text file was read in."""
        if self.decoded is None:
            return ""
        values = {"encoding": text_encodings.name_of(self.decoded.encoding)}
        if self.decoded.detected:
            return gettext("Read as %(encoding)s (detected).") % values
        return gettext("Read as %(encoding)s, as chosen.") % values


class LabelledExportForm(SelectableFieldsExportForm):
    """The export form, each column listed by its field's name in the reader's language
    beside the column's own (the library writes "Name En")."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        column = field.column_name if field else field_name
        try:
            verbose = resource._meta.model._meta.get_field(field.attribute).verbose_name
        except (AttributeError, FieldDoesNotExist):
            return column
        return f"{capfirst(verbose)} ({column})"


class SignedConfirmImportForm(ConfirmImportForm):
    """The confirm step's form: its hidden fields come back as the preview signed them."""

    token = forms.CharField(widget=forms.HiddenInput())

    def __init__(self, *args, scope: str, file_exists, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.file_exists = file_exists

    tampered_message = _(
        "The confirmation does not match the preview (file, format or resource changed): "
        "choose the file to import again."
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            signed = signing.loads(cleaned["token"], salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        except signing.SignatureExpired as error:
            raise ValidationError(
                _("The preview has expired: choose the file to import again."), code="expired"
            ) from error
        except signing.BadSignature as error:
            raise ValidationError(self.tampered_message, code="tampered") from error
        if signed != signed_values(cleaned, self.scope):
            raise ValidationError(self.tampered_message, code="tampered")
        if not self.file_exists(cleaned["import_file_name"]):
            raise ValidationError(
                _(
                    "File to import: the uploaded file is no longer there (it was imported "
                    "already, or has expired); choose it again."
                ),
                code="gone",
            )
        return cleaned


class SpreadsheetAdminMixin:
    """Mixed in before ``ImportExportModelAdmin``: its formats, limits and confirm step."""

    import_form_class = LimitedImportForm
    confirm_form_class = SignedConfirmImportForm
    export_form_class = LabelledExportForm
    import_template_name = "admin/exchanges/spreadsheet_import.html"

    @property
    def import_formats(self):
        return spreadsheets.IMPORT_FORMATS

    @property
    def export_formats(self):
        return spreadsheets.EXPORT_FORMATS

    def get_confirm_form_kwargs(self, request, import_form=None):
        kwargs = super().get_confirm_form_kwargs(request, import_form)
        if import_form is None:
            kwargs["data"] = request.POST  # bound even when empty, so that it says what is missing
        return {
            **kwargs,
            "scope": self.confirm_scope(request),
            "file_exists": self.import_file_exists,
        }

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if initial:
            values = signed_values(initial, self.confirm_scope(request))
            initial["token"] = signing.dumps(values, salt=CONFIRM_SALT)
        return initial

    def confirm_scope(self, request) -> str:
        return f"{request.user.pk}:{self.opts.label}"

    def import_file_exists(self, name: str) -> bool:
        storage = self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())
        if isinstance(storage, TempFolderStorage):
            return os.path.isfile(storage.get_full_path())
        try:
            return storage.read() is not None
        except (OSError, ValueError):
            return False

    def add_data_read_fail_error_to_form(self, form, e):
        self.remove_refused_file(form)
        if isinstance(e, spreadsheets.SpreadsheetRefused):
            form.add_error("import_file", naming_the_file(form, e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def remove_refused_file(self, form) -> None:
        """The library keeps every upload for the confirm step; one that cannot be read never
        gets there, so it is removed rather than left to fill the disk."""
        name = getattr(form.cleaned_data.get("import_file"), "tmp_storage_name", None)
        if name:
            storage = self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())
            with contextlib.suppress(OSError):
                storage.remove()

    def process_import(self, request, **kwargs):
        response = super().process_import(request, **kwargs)
        if isinstance(response, TemplateResponse):
            response.status_code = 400  # the confirm form is shown again: its fields were refused
        return response

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # As the library's, but its test for formats that keep numbers and dates native
        # compares exact classes, which ours subclass.
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request,
            queryset,
            force_native_type=isinstance(file_format, spreadsheets.BINARY_FORMATS),
            **kwargs,
        )
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data


class ImportExportModelAdmin(SpreadsheetAdminMixin, import_export_admin.ImportExportModelAdmin):
    """The library's import/export admin with the hardening above; ``admin.py`` imports this
    one, so every admin that imports and exports spreadsheets has it, with the model's
    ``resources.resource_for`` unless it names resources of its own."""

    def get_resource_classes(self, request):
        return self.resource_classes or [resource_for(self.model)]
