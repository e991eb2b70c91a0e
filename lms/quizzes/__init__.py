"""Quizzes: question-type plugins, parsing, grading and attempts."""
