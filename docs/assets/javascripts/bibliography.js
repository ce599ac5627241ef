/* The CSTO Reader: the bibliography page's "Show the works of" filter, and landing on an
 * entry.
 *
 * A file rather than an inline script, so that the Content-Security-Policy of every page
 * (scripts/csto_reader/publish/csp.py) allows no inline script but Material's own.  Loaded on
 * every page; it does nothing where there is no filter.
 *
 * - Choosing an article shows its entries and their number; an article no entry comes from
 *   (no reference list) gets its sentence why (span.bib-none, bibliography_page.py).
 * - Following a link to an entry (#key) that the filter hides clears the filter first.
 * - Arriving from a search result (?h=words, no #key), the page moves to the first entry
 *   holding every searched word, so the result lands on the entry, not the page's top. */
(function () {
  "use strict";
  var select = document.getElementById("bib-article");
  var count = document.getElementById("bib-count");
  if (!select || !count) { return; }
  var entries = Array.prototype.slice.call(document.querySelectorAll("li.bib-entry"));

  function apply() {
    var slug = select.value, shown = 0;
    entries.forEach(function (li) {
      var on = !slug || (li.dataset.articles || "").split(" ").indexOf(slug) >= 0;
      li.hidden = !on;
      if (on) { shown += 1; }
    });
    count.textContent = shown === 1 ? "1 entry" : shown + " entries";
    document.querySelectorAll(".bib-none").forEach(function (note) {
      note.hidden = note.dataset.article !== slug;
    });
  }

  function entryOf(hash) {
    if (!hash || hash.length < 2) { return null; }
    var id;
    try { id = decodeURIComponent(hash.slice(1)); } catch (e) { return null; }
    var target = document.getElementById(id);
    return target && target.classList.contains("bib-entry") ? target : null;
  }

  function goTo(entry, mark) {
    if (entry.hidden) {
      select.value = "";
      apply();
    }
    if (mark) {
      entries.forEach(function (li) { li.classList.remove("bib-entry--found"); });
      entry.classList.add("bib-entry--found");
    }
    entry.scrollIntoView({ block: "start" });
  }

  /* A link to an entry while the filter hides it: clear the filter, then follow. */
  function onHash() {
    var entry = entryOf(window.location.hash);
    if (entry) { goTo(entry, false); }
  }

  function words(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) {
      return w.length > 0;
    });
  }

  /* The entry a search for `query` was after: the first holding all its words (or most). */
  function searched(query) {
    var wanted = words(query);
    if (!wanted.length) { return null; }
    var best = null, bestScore = 0;
    entries.forEach(function (li) {
      var have = words(li.textContent);
      var score = wanted.filter(function (w) {
        return have.some(function (h) { return h.indexOf(w) === 0; });
      }).length;
      if (score > bestScore) { best = li; bestScore = score; }
    });
    return best;
  }

  function onArrival() {
    if (window.location.hash) { onHash(); return; }
    var query = new URLSearchParams(window.location.search).get("h");
    var entry = query ? searched(query) : null;
    if (entry) { goTo(entry, true); }
  }

  select.addEventListener("change", apply);
  window.addEventListener("hashchange", onHash);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href*='#']");
    if (!link || link.pathname !== window.location.pathname) { return; }
    var entry = entryOf(link.hash);
    if (entry && entry.hidden) {
      select.value = "";
      apply();
    }
  });
  apply();
  onArrival();
})();
