"""The student's ``/join`` pages: type a class code, or confirm a join link."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms.classes import services
from lms.classes.blueprint import bp
from lms.classes.forms import JoinForm
from lms.classes.services import ClassError
from lms.db import utcnow
from lms.limits import (
    count_miss,
    failed_or_missed,
    join_account_key,
    join_account_limit,
    join_limit,
    limiter,
)

JOIN_MESSAGES = {
    "unknown_code": lambda d: gettext("No class has this code. Check it with your teacher."),
    "archived": lambda d: gettext("The class %(name)s is closed: it cannot be joined any more.",
                                  name=d.get("name")),
    "own_class": lambda d: gettext("You teach %(name)s, so you cannot join it as a student.",
                                   name=d.get("name")),
    "already_member": lambda d: gettext("You are already in the class %(name)s.",
                                        name=d.get("name")),
    "teacher_name": lambda d: gettext(
        "Your name is the same as your teacher's. Change it on your account page (add an "
        "initial, say), then join %(name)s.", name=d.get("name")),
}

# The form and the links count together (a guesser cannot double the allowance by switching),
# and a link's GET counts too: its page names the class a code opens, so reading links guesses
# codes as well as posting the form does. Only failures and misses count (see count_miss).
join_address_limit = limiter.shared_limit(join_limit, scope="join", deduct_when=failed_or_missed)
join_learner_limit = limiter.shared_limit(join_account_limit, scope="join-account",
                                          key_func=join_account_key,
                                          deduct_when=failed_or_missed)


def _join(form: JoinForm) -> Response | None:
    try:
        school_class = services.join_class(current_user.id, form.code.data, now=utcnow())
    except ClassError as error:
        if error.reason == "already_member":
            flash(JOIN_MESSAGES["already_member"](error.detail), "info")
            return redirect(url_for("lms.courses.catalogue"))
        form.code.errors = [JOIN_MESSAGES[error.reason](error.detail)]
        return None
    flash(gettext("Welcome to %(name)s! Your assignments are listed below.",
                  name=school_class.name), "success")
    return redirect(url_for("lms.courses.catalogue"))


@bp.route("/join", methods=["GET", "POST"])
@login_required
@join_address_limit
@join_learner_limit
def join() -> str | Response:
    """Join a class by typing its code."""
    form = JoinForm()
    if form.validate_on_submit():
        done = _join(form)
        if done is not None:
            return done
    return render_template("lms/classes/join.html", form=form, school_class=None)


@bp.route("/join/<code>", methods=["GET", "POST"])
@login_required
@join_address_limit
@join_learner_limit
def join_with_code(code: str) -> str | Response:
    """The join link: shows the class name and asks to confirm (a link alone never joins)."""
    form = JoinForm(data={"code": code} if request.method == "GET" else None)
    school_class = services.class_by_code(code)
    if school_class is None or school_class.archived:
        count_miss()
    if form.validate_on_submit():
        done = _join(form)
        if done is not None:
            return done
    elif school_class is None:
        form.code.errors = [JOIN_MESSAGES["unknown_code"]({})]
    elif school_class.archived:
        form.code.errors = [JOIN_MESSAGES["archived"]({"name": school_class.name})]
    teacher = (services.teacher_name(school_class)
               if school_class is not None and not school_class.archived else None)
    return render_template("lms/classes/join.html", form=form, school_class=school_class,
                           teacher=teacher)
