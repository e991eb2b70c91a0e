"""Reflections: a teacher reads a class's reflection answers side by side and comments back."""
