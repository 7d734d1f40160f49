"""Shared page frame: every page gets its database, language and scope from here itself."""
