"""The report a person reads: reports/report.md with PNG figures, built from the metrics and
plot-data files the pipeline writes (`python -m src.report`, `make report`)."""
