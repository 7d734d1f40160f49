"""Start the Medspil server with the app's modules already imported (what ``make run`` runs).

``python serve.py [streamlit options]`` is ``streamlit run app.py [options]``, except that the
pages' heavy imports (pandas, scipy, plotly and the dashboards) are done before the server
listens, not during the first visitor's page: on a busy two-core machine they take seconds.
"""

import sys

from streamlit.web import cli


def preload() -> None:
    """Import what the pages import, so the first page after a start does not pay for it."""
    import pages.common.dashboard  # noqa: F401 - the dashboards, analytics, plotly, scipy
    import pages.common.frame  # noqa: F401
    import surveys.answering.form  # noqa: F401 - the answer page


if __name__ == "__main__":
    preload()
    sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]
    sys.exit(cli.main())
