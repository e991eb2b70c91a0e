"""Printed modules for classrooms without a connection: a handout and its answer key."""
