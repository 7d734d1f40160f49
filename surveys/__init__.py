"""The survey domain, one package per user task: answering, dashboards, snapshots,
administration, installation, instruments and the command line."""
