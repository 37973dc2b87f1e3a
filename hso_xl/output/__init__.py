"""Writing output: deterministic packages, atomic replacement of the document set, the manifest."""
