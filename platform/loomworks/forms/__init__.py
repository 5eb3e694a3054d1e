"""Forms: form definitions (kind ``form``), their rjsf rendering and their server-side enforcement."""
