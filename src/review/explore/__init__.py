"""Interactive exploration in JupyterLab (widgets); nothing here reaches a batch report."""
