"""A light, accessible learning platform for global citizenship education."""
