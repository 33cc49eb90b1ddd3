"""The base of every form: WTForms' own messages in Chinese."""
import functools
from html import escape

from flask import current_app, has_request_context, request
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectMultipleField, widgets
from wtforms.validators import NumberRange, Optional

from app import revision


# Messages WTForms' Chinese catalogue leaves untranslated (marked fuzzy, so not compiled).
MISSING_MESSAGES = {
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' 不是有效的选择。",
    "'%(value)s' are not valid choices for this field.": "'%(value)s' 不是有效的选择。",  # WTForms joins them with "', '"
    "This field cannot be edited.": "该字段不可修改。",
}


class ChineseMessages:
    """WTForms' Chinese translations with what they lack filled in."""

    def __init__(self, translations):
        self.translations = translations

    def gettext(self, message: str) -> str:
        return MISSING_MESSAGES.get(message) or self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return MISSING_MESSAGES.get(singular if n == 1 else plural) or self.translations.ngettext(singular, plural, n)


class Select(widgets.Select):
    """WTForms' select, each plain option written in one step, and a large one rendered once for
    its choices and value: a country's unit and park choices are thousands of options, which
    WTForms' general attribute writer took tens of ms to render on every page."""

    MANY = 200  # options from which a rendered select is kept

    def __call__(self, field, **kwargs):
        choices = getattr(field, "choices", None)
        if not isinstance(choices, list) or len(choices) < self.MANY:
            return super().__call__(field, **kwargs)
        key = (tuple(choices), field.data, getattr(field, "coerce", None), field.id, field.name,
               tuple(sorted(kwargs.items())), tuple(getattr(field.flags, name, None) for name in self.validation_attrs))
        try:
            hash(key)
        except TypeError:  # a choice or attribute that is no key
            return super().__call__(field, **kwargs)
        return revision.kept_rendered(key, functools.partial(super().__call__, field, **kwargs))

    @classmethod
    def render_option(cls, value, label, selected, **kwargs):
        if kwargs or value is None or isinstance(value, bool) or hasattr(label, "__html__"):
            return super().render_option(value, label, selected, **kwargs)
        # Plain text, escaped here; the select is marked safe as a whole (Select.__call__).
        return f'<option {"selected " if selected else ""}value="{escape(str(value))}">{escape(str(label))}</option>'


SELECT = Select()


class Form(FlaskForm):
    class Meta:
        locales = ("zh",)  # WTForms ships these translations; WTF_I18N_ENABLED is off (no Babel)

        def render_field(self, field, render_kw):
            if type(field.widget) is widgets.Select and not field.widget.multiple:
                field.widget = SELECT
            return super().render_field(field, render_kw)

        def get_translations(self, form):
            return ChineseMessages(super().get_translations(form))

        @functools.cached_property
        def csrf(self):
            """A page's form carries its CSRF token. An API call fills the pages' forms from its JSON
            body (app.api) and has passed the app-wide check already: a token's call needs none (no
            cookie to forge with), a cookie session's sends it as X-CSRFToken."""
            return current_app.config.get("WTF_CSRF_ENABLED", True) and not (
                has_request_context() and request.path.startswith("/api/"))

    def valid_data(self) -> dict:
        """Each field's data, leaving out the fields that failed validation: a list ignores a
        malformed filter in its URL rather than failing."""
        return {name: field.data for name, field in self._fields.items() if not field.errors}


def non_negative(label: str) -> DecimalField:
    """An optional amount or quantity (two decimals) that may not be negative."""
    return DecimalField(label, places=2, validators=[
        Optional(), NumberRange(min=0, max=10**12, message=f"{label.split('（')[0]}不能为负数")])


def optional_int(value):
    """A select's id, or None for its blank choice (and for anything that is not an id)."""
    return int(value) if value not in (None, "", "None") and str(value).isdigit() else None


class CheckboxesField(SelectMultipleField):
    """A multiple choice as a list of check boxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
