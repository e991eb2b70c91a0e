"""Personal data: download it as JSON, delete (anonymise) an account."""
