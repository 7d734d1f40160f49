"""Installing Medspil: an empty real installation (``setup``) or the demo kommune (``demo``)."""
