r"""The CSTO Reader build pipeline.

Layers, each importing only from itself and the ones before it (tests/test_layers.py):

* core: ``model`` (the values passed between stages), ``diagnostics``, ``yamlfile``,
  ``textcheck``, ``markup`` (the one escaping path to HTML, the page anchors);
* ``ingest``: one article at a time, sources -> clean -> segment -> footnotes -> anchors
  (``ingest.article.prepare_article``), and the completeness checks;
* ``scholarly``: the whole reader's apparatus: references -> bibliography (APA by
  cite_format) -> citations, the glossary, the chronology;
* ``publish``: the pages, addresses and id checks, PDFs, the offline copy;
* ``pipeline`` runs the stages in order and gathers their results; ``cli`` is the one
  command-line entry point.
"""

__version__ = "0.1.0"
