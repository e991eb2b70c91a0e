"""Trainer authoring: course drafts as package folders, previews, publishing and round trips."""
