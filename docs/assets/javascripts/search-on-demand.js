/* The CSTO Reader: load the search index when the reader opens the search, not before.
 *
 * Material's bundle asks for search/search_index.json (an XMLHttpRequest; from file://,
 * search/search_index.js as a script element) and starts its search worker as soon as a
 * page opens: on an article page that is more than half of what a first visit downloads.
 * This file, loaded just before the bundle (overrides/main.html), holds both back until
 * the search is wanted:
 *
 *   - the index request is sent (the script element added) when the search box gets
 *     focus (a click or tap on it or on the search icon, or Material's shortcuts "/", "s"
 *     and "f", which focus it), or the search toggle is switched on;
 *   - the worker is started when Material first writes to it, which it does only once
 *     the index has arrived;
 *   - an address carrying a search (?q=, Material's shared search) or a highlight (?h=,
 *     a search result followed) wants the index at once, as before.
 *
 * Nothing else changes: Material's own code makes the request and the worker, shows its
 * "Initializing search" state meanwhile, and sends what was typed once the worker is
 * ready.  No HTML is built here. */
(function () {
  "use strict";

  var INDEX = /\/search\/search_index\.js(on)?$/;
  var WORKER = /\/workers\/search\.[^/]*\.js(\?|#|$)/;
  var wanted = false;
  var waiting = []; // what to run once the search is wanted

  function want() {
    if (wanted) { return; }
    wanted = true;
    var run = waiting;
    waiting = [];
    run.forEach(function (go) { go(); });
  }

  function later(go) {
    if (wanted) { go(); } else { waiting.push(go); }
  }

  function isIndex(url) {
    try {
      return INDEX.test(new URL(String(url), document.baseURI).pathname);
    } catch (e) {
      return false;
    }
  }

  /* The index request: opened by Material as usual, sent when the search is wanted. */
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this._cstoIndex = isIndex(url);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this;
    var args = arguments;
    if (!request._cstoIndex || wanted) { return send.apply(request, args); }
    later(function () { send.apply(request, args); });
  };

  /* From file:// Material adds a script element for search/search_index.js instead. */
  var append = Node.prototype.appendChild;
  Node.prototype.appendChild = function (child) {
    if (!wanted && child && child.tagName === "SCRIPT" && isIndex(child.src)) {
      var parent = this;
      later(function () { append.call(parent, child); });
      return child;
    }
    return append.call(this, child);
  };

  /* The search worker: a stand-in that starts the real one on Material's first message. */
  var RealWorker = window.Worker;
  if (typeof RealWorker === "function") {
    var LazyWorker = function (url, options) {
      if (!WORKER.test(String(url))) { return new RealWorker(url, options); }
      var self = this;
      var real = null;
      var listeners = [];
      self.onmessage = null;
      self.onerror = null;
      function start() {
        real = new RealWorker(url, options);
        listeners.forEach(function (l) { real.addEventListener(l[0], l[1], l[2]); });
        real.addEventListener("message", function (event) {
          if (typeof self.onmessage === "function") { self.onmessage(event); }
        });
        real.addEventListener("error", function (event) {
          if (typeof self.onerror === "function") { self.onerror(event); }
        });
      }
      self.addEventListener = function (type, listener, options) {
        if (real) { real.addEventListener(type, listener, options); }
        listeners.push([type, listener, options]);
      };
      self.removeEventListener = function (type, listener, options) {
        if (real) { real.removeEventListener(type, listener, options); }
        listeners = listeners.filter(function (l) { return l[0] !== type || l[1] !== listener; });
      };
      self.postMessage = function () {
        if (!real) { start(); }
        real.postMessage.apply(real, arguments);
      };
      self.terminate = function () { if (real) { real.terminate(); } };
    };
    window.Worker = LazyWorker;
  }

  /* What counts as opening the search. */
  function isSearchBox(node) {
    return node && node.matches && node.matches("[data-md-component=search-query], .md-search__input");
  }
  document.addEventListener("focusin", function (event) {
    if (isSearchBox(event.target)) { want(); }
  }, true);
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search" && event.target.checked) { want(); }
  }, true);
  var params = new URLSearchParams(window.location.search);
  if (params.has("q") || params.has("h")) { want(); }
})();
