"""Shared kernel of Medspil: errors, texts and configuration; imports no other layer."""
