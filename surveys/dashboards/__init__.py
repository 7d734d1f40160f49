"""The managers' dashboards: the project's protected basis, scope checks, one function per question
a page asks (trends, run charts, heatmap, phases), what has changed, comments, and the Overblik
data.

Pages import ``views``, ``changes``, ``comments``, ``overview``, ``tables`` and ``basis``.
"""
