"""The learner's pages: catalogue, course, lesson and quiz pages. They compose courses,
progress, quizzes and classes, so they sit above all of them (see ARCHITECTURE.md); the
blueprints keep their names (``lms.courses.*``, ``lms.quizzes.*``)."""
