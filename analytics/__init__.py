"""Pure statistics for Medspil: scoring, suppression, comparisons, run charts, change points."""
