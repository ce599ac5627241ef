/* The CSTO Reader: the bibliography page's "Show entries from" filter.
 *
 * A file rather than an inline script, so that the Content-Security-Policy of every page
 * (scripts/csto_reader/publish/csp.py) allows no inline script but Material's own.  Loaded on
 * every page; it does nothing where there is no filter. */
(function () {
  "use strict";
  var select = document.getElementById("bib-article");
  var count = document.getElementById("bib-count");
  if (!select) { return; }
  function apply() {
    var slug = select.value, shown = 0;
    document.querySelectorAll("li.bib-entry").forEach(function (li) {
      var on = !slug || li.dataset.articles.split(" ").indexOf(slug) >= 0;
      li.hidden = !on;
      if (on) { shown += 1; }
    });
    count.textContent = shown + " entries";
  }
  select.addEventListener("change", apply);
  apply();
})();
