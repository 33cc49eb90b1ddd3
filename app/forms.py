"""The base of every form: WTForms' own messages in Chinese."""
from flask_wtf import FlaskForm


class Form(FlaskForm):
    class Meta:
        locales = ("zh",)  # WTForms ships these translations; WTF_I18N_ENABLED is off (no Babel)
