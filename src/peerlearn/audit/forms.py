"""The audit log page's filter: kind of entry, who, and a range of days."""

from __future__ import annotations

from typing import Any

from django import forms

from peerlearn.audit.selectors import AuditFilter
from peerlearn.validation import HardenedFormMixin

SYSTEM = "system"


class AuditFilterForm(HardenedFormMixin, forms.Form):
    action = forms.ChoiceField(label="Kind", required=False)
    actor = forms.ChoiceField(label="Who", required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any, *, actions: list[str], actors: list[tuple[int, str]]) -> None:
        super().__init__(data)
        action, actor = self.fields["action"], self.fields["actor"]
        assert isinstance(action, forms.ChoiceField)
        assert isinstance(actor, forms.ChoiceField)
        action.choices = [("", "Every kind"), *((a, a) for a in actions)]
        actor.choices = [
            ("", "Everyone"),
            (SYSTEM, "The system"),
            *((str(pk), name or f"Person {pk}") for pk, name in actors),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The last day is before the first day.")
        return cleaned

    def audit_filter(self) -> AuditFilter:
        """The filter of a valid form (an invalid one filters nothing)."""
        if not self.is_valid():
            return AuditFilter()
        actor = self.cleaned_data["actor"]
        return AuditFilter(
            action=self.cleaned_data["action"],
            actor_id=int(actor) if actor not in ("", SYSTEM) else None,
            by_system=actor == SYSTEM,
            since=self.cleaned_data["since"],
            until=self.cleaned_data["until"],
        )
