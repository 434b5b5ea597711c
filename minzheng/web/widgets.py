"""The shared pickers as HTML attributes, so a plain `<input>` (a template's or a Django form's) becomes an area picker
or a person search-as-you-type once web/static/web/pickers.js runs; without JavaScript it stays the text input it
was (a 区划代码, a 身份证号), and the server accepts what it always accepted."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html_join

LEVELS = ("city", "county", "town", "village")


def area_picker_attrs(*, depth: str = "village", least: str = "city", public: bool = False,
                      multi: bool = False) -> dict[str, str]:
    """`depth`: the deepest level offered; `least`: the shallowest level that may be the answer (a 村居-only field
    says least="village"); `multi`: the input holds several codes, comma-separated, and the picker adds to it."""
    if depth not in LEVELS or least not in LEVELS:
        raise ValueError(f"unknown area level: {depth!r} / {least!r}")
    url = reverse("web:area_pick")
    attrs = {"data-area-picker": "public" if public else "scoped", "data-area-url": url, "data-area-depth": depth,
             "data-area-least": least}
    if multi:
        attrs["data-area-multi"] = "1"
    return attrs


def person_picker_attrs(*, purpose: str = "") -> dict[str, str]:
    """`purpose` names the right the form needs (see registry.views.PICK_PURPOSES): the candidates are the persons
    the user may choose for it, exactly those the form's own lookup would accept."""
    return {"data-person-picker": purpose or "registry", "data-person-url": reverse("web:person_pick"),
            "autocomplete": "off", "placeholder": "输入姓名、拼音首字母或身份证号"}


def person_chosen_attrs(person) -> dict[str, str]:
    """A form shown again after an error keeps the person already chosen (one the user may see: the form's own
    scoped lookup found it), masked."""
    if person is None:
        return {}
    return {"data-person-chosen": str(person.pk), "data-person-chosen-label": f"{person.name}（{person.masked_id}）"}


def keep_person(form, field: str, person) -> None:
    """Show `person` as the choice of a Django form's person-picker field when the form comes back with errors."""
    form.fields[field].widget.attrs.update(person_chosen_attrs(person))


def as_html_attrs(attrs: dict[str, str]) -> str:
    return format_html_join(" ", '{}="{}"', attrs.items())


class PersonPickerInput(forms.TextInput):
    """A Django form's 身份证号 field that is also a person search-as-you-type (the chosen person's id is posted as
    `person`)."""

    def __init__(self, *, purpose: str = "", attrs=None):
        super().__init__(attrs)
        self.purpose = purpose

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), **person_picker_attrs(purpose=self.purpose)}
        return super().get_context(name, value, attrs)

