"""Reading the texts: sources -> clean -> segment -> footnotes -> anchors, and the
completeness checks.  Everything here works on one article at a time.
"""
