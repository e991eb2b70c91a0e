"""Administration in the browser: accounts (create, role, deactivate) and the admin log."""
