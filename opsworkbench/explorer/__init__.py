"""The analyst's explorer: linked, privacy-safe views of one organisation in JupyterLab."""
