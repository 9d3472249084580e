"""Date and number formats that differ from Django's defaults (see FORMAT_MODULE_PATH)."""
