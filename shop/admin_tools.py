"""What every app's admin shares."""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class _KnownValuesOnly:
    """Django's autocomplete widget looks the chosen ids up to show them again; an id that
    is not even a number (a tampered form) makes that lookup raise, so a form error became
    a 500. Ids that cannot be one are dropped before the lookup; the form still refuses
    them with its own message."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        field_name = getattr(remote, "field_name", None)  # None for a many-to-many
        meta = remote.model._meta
        target = meta.get_field(field_name) if field_name else meta.pk
        valid = []
        for item in value:
            try:
                target.to_python(item)
            except (ValidationError, TypeError, ValueError):
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteSelect(_KnownValuesOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_KnownValuesOnly, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteAdmin:
    """A ModelAdmin (or inline) mixin: its autocomplete_fields use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
