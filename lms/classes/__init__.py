"""Classes: teachers group students, assign modules with due dates and follow progress."""
