"""Sparse (lexical) indexes over passage text."""
