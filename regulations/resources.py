"""Spreadsheet import/export of the legal sources (django-import-export)."""

import decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from .models import Party, Regulation

# A cell a spreadsheet program would run as a formula (CSV/formula injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Text that starts like a formula is exported with a leading apostrophe: shown, never run."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeExportMixin:
    """Every exported cell passes through escape_formula, in the admin and in the app alike."""

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))  # type: ignore[misc]  # a mixin of ModelResource


class AllOrNothingMixin:
    """An import is all or nothing: one bad row (an error or a failed validation) rolls back every row.
    on_row, when set, is called with the number of rows done after each row (a worker's progress bar)."""

    on_row = None

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        # An empty cell of an XLSX reads back as no value at all (openpyxl gives None). django-import-export
        # gives a TextField no widget of its own, so that None reached the database's NOT NULL; the text
        # widget reads it as "" (or as a blank the model refuses by name), as it does for a CharField.
        if isinstance(f, models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)  # type: ignore[misc]  # a mixin of ModelResource

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)  # type: ignore[misc]  # a mixin of ModelResource
        if self.on_row is not None:
            self._rows_done = getattr(self, "_rows_done", 0) + 1
            self.on_row(self._rows_done)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        try:
            return super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)  # type: ignore[misc]
        except decimal.InvalidOperation:
            # A number that cannot be read is the column's error, as a date is, not an error of the row.
            raise ValueError(_("giá trị không phải là số.")) from None

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(  # type: ignore[misc]  # a mixin of ModelResource
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs
        )


class WithinJurisdictionMixin:
    """An import made from the page is bound to one jurisdiction: every row stays inside it, as it was and
    as it becomes (the object and each party it names), or the whole file is refused. The admin site binds
    none: only the system administrators open it, and they hold every right everywhere."""

    def __init__(self, *args, jurisdiction: Party | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction

    def parties_of(self, instance) -> list[Party | None]:
        """The parties a row's object belongs to or names: each resource says which."""
        raise NotImplementedError

    def links_made(self, instance) -> list[Party]:
        """The parties the row's own columns link the object to, by each foreign key to a party the resource
        sets (a parent, a successor, a focal agency, a superior, an issuer, whom it is owed to), where the row
        makes the link: a new object's, or one that differs from the stored one. A link already stored (a
        jurisdiction's own parent above it) is the object's, checked by parties_of."""
        columns = [
            column
            for column in self.fields.values()  # type: ignore[attr-defined]  # a mixin of ModelResource
            if isinstance(column.widget, widgets.ForeignKeyWidget)
            and not isinstance(column.widget, widgets.ManyToManyWidget)
            and issubclass(column.widget.model, Party)
        ]
        names = [instance._meta.get_field(column.attribute).attname for column in columns]
        stored = type(instance).objects.filter(pk=instance.pk).values(*names).first() if instance.pk else None
        made = []
        for column, name in zip(columns, names, strict=True):
            value = getattr(instance, name)
            if value is not None and (stored is None or stored[name] != value):
                made.append(getattr(instance, column.attribute))
        return made

    def refuse_outside(self, instance, parties: list[Party] | None = None) -> None:
        if self.jurisdiction is None:
            return
        for party in self.parties_of(instance) if parties is None else parties:
            if party is not None and not party.path.startswith(self.jurisdiction.path):
                raise ValidationError(
                    {
                        NON_FIELD_ERRORS: [
                            _("%(party)s không thuộc %(jurisdiction)s, nơi bạn đang nhập dữ liệu.")
                            % {"party": party, "jurisdiction": self.jurisdiction}
                        ]
                    }
                )

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)  # type: ignore[misc]  # a mixin of ModelResource
        if not new:  # an existing object from elsewhere may not be pulled in, whatever the row now says
            self.refuse_outside(instance)

    def before_save_instance(self, instance, row, **kwargs):
        # Before anything is written, so that no service runs for a row refused anyway (a reorganisation).
        self.refuse_outside(instance, self.links_made(instance))
        super().before_save_instance(instance, row, **kwargs)  # type: ignore[misc]  # a mixin of ModelResource

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)  # type: ignore[misc]  # a mixin of ModelResource
        # After the many-to-many fields, so that signatories and responsible parties count; the import's
        # transaction rolls the row back with the rest of the file.
        self.refuse_outside(instance)


class PartyResource(SafeExportMixin, AllOrNothingMixin, WithinJurisdictionMixin, resources.ModelResource):
    """The columns of a party. Imported only through obligations.resources.PartyResource, which sends an end
    of validity or a successor to the reorganisation service (this layer cannot reach it)."""

    parent = fields.Field(attribute="parent", column_name="parent", widget=widgets.ForeignKeyWidget(Party, "code"))
    successor = fields.Field(
        attribute="successor", column_name="successor", widget=widgets.ForeignKeyWidget(Party, "code")
    )
    focal_agency = fields.Field(
        attribute="focal_agency", column_name="focal_agency", widget=widgets.ForeignKeyWidget(Party, "code")
    )

    class Meta:
        model = Party
        import_id_fields = ["code"]
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "level",
            "parent",
            "is_jurisdiction",
            "focal_agency",
            "email",
            "valid_from",
            "valid_to",
            "successor",
        ]
        skip_unchanged = True
        use_transactions = True
        clean_model_instances = True

    def parties_of(self, instance) -> list[Party | None]:
        return [instance]  # its place in the tree (its path) says where it is


class RegulationResource(SafeExportMixin, AllOrNothingMixin, WithinJurisdictionMixin, resources.ModelResource):
    issuer = fields.Field(attribute="issuer", column_name="issuer", widget=widgets.ForeignKeyWidget(Party, "code"))
    signatories = fields.Field(
        attribute="signatories", column_name="signatories", widget=widgets.ManyToManyWidget(Party, ",", "code")
    )

    class Meta:
        model = Regulation
        fields = [
            "id",
            "number_symbol",
            "title",
            "issuer",
            "signed_on",
            "term_start",
            "term_end",
            "signatories",
            "status",
        ]
        use_transactions = True
        clean_model_instances = True

    def parties_of(self, instance) -> list[Party | None]:
        return [instance.issuer, *instance.signatories.all()] if instance.pk else [instance.issuer]
