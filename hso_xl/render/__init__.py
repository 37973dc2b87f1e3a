"""Rendering documents: the template context, Swedish filters, Word and Excel templates, PDF."""
