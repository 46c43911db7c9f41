"""Spreadsheet import/export of the legal sources (django-import-export)."""

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
    """An import is all or nothing: one bad row (an error or a failed validation) rolls back every row."""

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(  # type: ignore[misc]  # a mixin of ModelResource
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs
        )


class PartyResource(SafeExportMixin, AllOrNothingMixin, resources.ModelResource):
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


class RegulationResource(SafeExportMixin, AllOrNothingMixin, resources.ModelResource):
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
