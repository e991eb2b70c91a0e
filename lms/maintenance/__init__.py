"""Operating the site: backups and restores, deleting accounts from the command line."""
