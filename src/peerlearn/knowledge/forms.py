"""Forms for registering a repository and changing its options. The services validate
locations and patterns; the forms only shape the input and place the errors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from peerlearn.knowledge.models import SourceKind
from peerlearn.knowledge.options import MAX_ACTIVE_MONTHS

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class RepositoryOptionsForm(forms.Form):
    name = forms.CharField(max_length=120)
    active_months = forms.IntegerField(
        label="Active months",
        min_value=1,
        max_value=MAX_ACTIVE_MONTHS,
        initial=6,
        help_text="A person is active with a commit in this many months before the analysis.",
    )
    prune_truck_factor = forms.BooleanField(
        label="Prune the truck factor as the reference tool does",
        required=False,
        help_text="Leave out truck-factor people who author under 10 % of the top one's files.",
    )
    extra_exclusions = forms.CharField(
        label="Also exclude (globs, one a line)",
        required=False,
        widget=TEXTAREA,
        help_text="E.g. docs/* or *.snap — added to the default exclusions (vendored, "
        "generated, binary).",
    )
    bot_patterns = forms.CharField(
        label="Bot patterns (regular expressions, one a line)",
        required=False,
        widget=TEXTAREA,
        help_text="Matched against “Name <email>”. Empty: the defaults ([bot], dependabot, "
        "renovate, noreply@ …).",
    )
    aliases = forms.CharField(
        label="Aliases",
        required=False,
        widget=TEXTAREA,
        help_text="One person a line, identities joined by “=”: "
        "Robert Tables <bobby@example.com> = <rt@laptop.local> = Bobby T",
    )

    def attach(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the fields it names, the rest on the form."""
        if hasattr(error, "error_dict"):
            for name, problems in error.message_dict.items():
                self.add_error(name if name in self.fields else None, problems)
        else:
            self.add_error(None, error)


class RepositoryCreateForm(RepositoryOptionsForm):
    kind = forms.ChoiceField(
        label="Source", choices=SourceKind.choices, widget=forms.RadioSelect, initial="clone"
    )
    location = forms.CharField(
        label="Path or clone URL",
        max_length=1000,
        help_text="A clone URL (https://…, ssh://…, git@host:path, file://…) the server can "
        "reach, or an absolute path inside the folders the server allows.",
    )

    field_order = ("name", "kind", "location")
