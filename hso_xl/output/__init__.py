"""Writing output: atomic replacement of the document set, the archive of the previous set, the manifest."""
