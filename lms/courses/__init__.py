"""Course packages: parsing, checking, syncing and the learner pages."""
