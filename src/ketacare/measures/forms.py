from __future__ import annotations

from typing import Any

from django import forms

from ketacare.clinical.instruments import Instrument


class ScaleForm(forms.Form):
    """One radio group per item, built from the scale's own definition."""

    def __init__(self, scale: Instrument, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scale = scale
        optional = scale.key == "cssrs"  # the screener skips questions by design
        for item in scale.items:
            labels = scale.answer_labels
            choices: list[tuple[int | str, str]] = [
                (value, f"{value} — {labels[value - item.min_answer]}"
                 if len(labels) == item.max_answer - item.min_answer + 1 else str(value))
                for value in range(item.min_answer, item.max_answer + 1)
            ]  # fmt: skip
            if optional:
                choices = [("", "not asked"), *choices]
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.label}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=not optional,
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer item {item.number}."},
            )

    @classmethod
    def for_amendment(
        cls, scale: Instrument, answers: list[int | None], data: Any = None
    ) -> ScaleForm:
        initial = {f"item_{n}": a for n, a in enumerate(answers, start=1)}
        form = cls(scale, data, initial=initial)
        form.fields["reason"] = forms.CharField(
            max_length=300, label="Why is it corrected?", help_text="e.g. item 3 keyed wrongly"
        )
        return form

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(f"item_{item.number}") for item in self.scale.items]
