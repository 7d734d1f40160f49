"""Administration: the organisation import, MED committees, projects and phases, wave planning, the
codes overview with response rates, the audit log view, and the role file (``access``).
"""
