r"""The CSTO Reader build pipeline.

Stages, one module each, plain data between them:

    sources -> clean -> segment -> footnotes -> anchors -> render
                              \-> references -> bibliography

``pipeline.build`` runs them all; ``cli`` is the one command-line entry point.
"""

__version__ = "0.1.0"
