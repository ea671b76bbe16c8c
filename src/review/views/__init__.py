"""Report sections: each function turns an analysis into a formatted, disclosure-safe table or figure.

Notebooks call one view per cell. Views format and suppress; they compute nothing beyond
arranging what :mod:`review.analyses` returns.
"""
