"""Command-line tools beside the report: classify any file, evaluate the engine."""
