"""The question format: question types (built-in and plugins), parsing quiz files and GIFT,
quiz settings, numbers and grading. Pure: no database, no requests; attempt taking builds on
it in :mod:`lms.quizzes`."""
