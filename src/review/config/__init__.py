"""Configuration: project paths, review cycles, parameter declarations, the params loader and the
framework registry."""
