"""Routes for attachments (filled in by the files area)."""
