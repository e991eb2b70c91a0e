"""Forms of the trainer authoring area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from lms.courses.schema import TOPICS

SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
              message=_l("Use lowercase letters, digits and single hyphens, like fair-trade-2."))


LANGUAGES = (("en", "English"), ("it", "Italiano"), ("ar", "العربية"), ("pt", "Português"),
             ("fr", "Français"), ("es", "Español"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewCourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Course id"), validators=[DataRequired(), Length(max=80), SLUG],
                       description=_l("Part of the course's address, e.g. fair-trade. "
                                      "It cannot be changed later."))
    summary = StringField(_l("Summary"), validators=[DataRequired(), Length(max=300)])
    topic = SelectField(_l("Topic"), choices=[SelectChoice(t, t) for t in TOPICS])
    languages = MultiCheckboxField(_l("Languages"),
                                   choices=[SelectChoice(code, name) for code, name in LANGUAGES],
                                   validators=[DataRequired()], default=["en"],
                                   description=_l("The first one ticked is the default."))


class ImportForm(FlaskForm):
    package = FileField(_l("Course zip"), validators=[FileRequired()])
    new_slug = StringField(_l("Import as a copy with this course id (optional)"),
                           validators=[Optional(), Length(max=80), SLUG])
    new_title = StringField(_l("The copy's title (a copy needs a title no other course has)"),
                            validators=[Optional(), Length(max=200)])


class AddModuleForm(FlaskForm):
    title = StringField(_l("Module title"), validators=[DataRequired(), Length(max=200)])


class AddItemForm(FlaskForm):
    module = HiddenField(validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = RadioField(_l("Kind"), choices=[SelectChoice("lesson", _l("Lesson")),
                                              SelectChoice("quiz", _l("Quiz"))],
                      default="lesson")


class EditForm(FlaskForm):
    text = TextAreaField(_l("Markdown (front matter and text)"))
    base_hash = HiddenField()


class ImageForm(FlaskForm):
    image = FileField(_l("Image (.svg, .png, .jpg, .gif or .webp)"),
                      validators=[FileRequired()])
    alt = StringField(_l("Alt text: what the image shows, for people who cannot see it"),
                      validators=[DataRequired(), Length(max=300)])
    folder = SelectField(_l("Folder"), choices=[])


class PublishForm(FlaskForm):
    label = StringField(_l("Version label"), validators=[Optional(), Length(max=40)],
                        description=_l("Greater than the last one: 1.1 for a small change, "
                                       "2.0 for a big one. Certificates print it."))
    note = TextAreaField(_l("What changed (shown in the version history)"),
                         validators=[Length(max=2000)])


class CoauthorForm(FlaskForm):
    username = StringField(_l("Trainer's username"), validators=[DataRequired(), Length(max=80)])


class RenameForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        filters=[lambda value: " ".join(value.split()) if value else value])
