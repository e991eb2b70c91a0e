"""`lms courses import-gift FILE --to PATH`: a Moodle bank becomes a quiz file that checks clean."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskCliRunner

from lms.questions.parse import parse_questions

BANK = Path(__file__).parent / "data" / "quizzes" / "fair-trade-bank.gift"


def test_import_gift_writes_a_quiz_and_reports_what_it_dropped(
        runner: FlaskCliRunner, tmp_path: Path) -> None:
    target = tmp_path / "module" / "03-bank.quiz.md"
    result = runner.invoke(args=["courses", "import-gift", str(BANK), "--to", str(target),
                                 "--title", "Fair trade bank"])
    assert result.exit_code == 0, result.output
    # counted in questions, not in the 10 messages (one is the category): 13 converted,
    # 5 of them with changes, 1 left out
    assert result.stdout == (f"wrote {target}: 13 question(s) converted, 5 of them with "
                             "changes listed above, 1 not converted\n")
    # every note is path:line: message, so the author can find the question
    notes = result.stderr.splitlines()
    assert len(notes) == 10 and all(n.startswith(f"{BANK}:") for n in notes)
    assert f"{BANK}:61: not converted: a description (no answers)" in result.stderr
    assert f"{BANK}:43: the answer '10:3' worth 50% dropped: only '6:1' is kept" in result.stderr
    text = target.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Fair trade bank\n---\n")
    body = text.split("---\n", 2)[2]
    specs, problems = parse_questions(body, path=str(target), first_line=4)
    assert problems == [] and len(specs) == 13


def test_import_gift_into_a_folder_names_the_file_after_the_bank(
        runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["courses", "import-gift", str(BANK), "--to", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = tmp_path / "fair-trade-bank.quiz.md"
    assert written.exists()
    assert "title: fair trade bank" in written.read_text(encoding="utf-8")


def test_import_gift_refuses_bad_input(runner: FlaskCliRunner, tmp_path: Path) -> None:
    missing = runner.invoke(args=["courses", "import-gift", str(tmp_path / "nope.gift"),
                                  "--to", str(tmp_path)])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    latin1 = tmp_path / "old.gift"
    latin1.write_bytes("Caff\xe8 {=s\xec ~no}".encode("latin-1"))
    result = runner.invoke(args=["courses", "import-gift", str(latin1), "--to", str(tmp_path)])
    assert result.exit_code == 1 and "not valid UTF-8" in result.stderr
    assert not (tmp_path / "old.quiz.md").exists()
    no_target = runner.invoke(args=["courses", "import-gift", str(BANK)])
    assert no_target.exit_code == 2 and "--to" in no_target.output
