"""Forms for registering a repository and changing its options. The services validate
locations and patterns; the forms only shape the input and place the errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from peerlearn.knowledge.models import SourceKind
from peerlearn.knowledge.options import LINE_FIELDS, MAX_ACTIVE_MONTHS, line_problems
from peerlearn.validation import HardenedFormMixin

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def one_entry_a_line_validator(value: str) -> None:
    """Textareas of patterns and aliases hold one-line entries: no tabs or escapes."""
    if problems := line_problems(value):
        raise ValidationError(problems, code="control_character")


class RepositoryOptionsForm(HardenedFormMixin, forms.Form):
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
        "generated, binary, files only bots or sync commits changed). A line starting with "
        "! keeps paths whatever the rules say: !mypy/typeshed/*",
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
        "Robert Tables <bobby@example.com> = <rt@laptop.local> = Bobby T. "
        "“!=” keeps identities apart: Alex <alex@one.example> != Alex <alex@two.example>",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in LINE_FIELDS:
            self.fields[name].validators.append(one_entry_a_line_validator)

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
