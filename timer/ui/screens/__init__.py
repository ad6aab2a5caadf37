"""The screens an athlete moves through: picker, overview, run, summary (plus help and quit overlays)."""
