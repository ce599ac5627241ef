/* The CSTO Reader's script, on every page (overrides/main.html loads it just before
 * Material's bundle: its first part must run before the bundle; the others only listen
 * to the document, or read the page, which is whole by then). */

/* The CSTO Reader: load the search index when the reader opens the search, not before.
 *
 * Material's bundle asks for search/search_index.json (an XMLHttpRequest; from file://,
 * search/search_index.js as a script element) and starts its search worker as soon as a
 * page opens: on an article page that is more than half of what a first visit downloads.
 * This part of reader.js (which overrides/main.html loads just before the bundle, so that
 * it runs first) holds both back until the search is wanted:
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

/* The CSTO Reader: copy a paragraph's or a section's address.
 *
 * A click (or Enter on the focused link, or a tap) on a paragraph number or a heading's
 * permalink still moves to the anchor, and also copies the full address to the
 * clipboard, with a short confirmation that screen readers announce. */
(function () {
  "use strict";

  function status() {
    var box = document.getElementById("copy-status");
    if (!box) {
      box = document.createElement("div");
      box.id = "copy-status";
      box.className = "copy-status";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    return box;
  }

  function confirm(message) {
    var box = status();
    box.textContent = message;
    box.classList.add("copy-status--shown");
    window.clearTimeout(box._timer);
    box._timer = window.setTimeout(function () {
      box.classList.remove("copy-status--shown");
    }, 2200);
  }

  function fallbackCopy(text) {
    var focused = document.activeElement; // given back after: a keyboard keeps its place
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (focused && focused.focus) { focused.focus({ preventScroll: true }); }
    return ok;
  }

  function copy(text, what, message) {
    var done = function () { confirm(message || "Link to " + what + " copied"); };
    var fail = function () {
      if (fallbackCopy(text)) { done(); } else { confirm("Address: " + text); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fail);
    } else {
      fail();
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.pnum, a.headerlink");
    if (!link) { return; }
    var hash = link.getAttribute("href");
    if (!hash || hash.charAt(0) !== "#") { return; }
    var url = window.location.href.split("#")[0] + hash;
    var what = link.classList.contains("pnum")
      ? "paragraph " + link.textContent.trim()
      : "this section";
    copy(url, what);
    // The hook of annotations.js: a paragraph number's menu (copy citation, add a note).
    if (link.classList.contains("pnum")) {
      link.dispatchEvent(new CustomEvent("csto:pnum", { bubbles: true, detail: { url: url } }));
    }
  });
  window.cstoCopy = copy; // copy(text, what, message): annotations.js copies citations
})();

/* The CSTO Reader: previews of notes, citations and glossary terms.
 *
 * A note marker (a.footnote-ref), a citation (a.cite) or a glossary term (a.term) shows a
 * preview of what it points to: on hover (and the preview itself can be hovered), on
 * keyboard focus, and on a touch screen on the first tap (a second tap, or the link inside
 * the preview, follows the link).  Escape closes it; nothing closes it on a timer
 * (WCAG 1.4.13).  Material's own tooltips are switched off in mkdocs.yml.
 *
 * The preview is built from text: a note's preview is a copy of the note's own list item
 * (already escaped markup of the page) without its number and back-link; a citation's or
 * a term's is a plain text, put in with textContent, never as HTML.  Those texts are not
 * in the page (one per occurrence, they were a sixth of the heaviest page): the pipeline
 * writes them once per work and per term into assets/previews/<slug>.js
 * (publish/previews.py), a script that hands them to window.cstoPreviews.  It is loaded
 * when the reader first moves the pointer over the page, touches it or moves the focus
 * (not at load, and not for the search box alone); a preview asked for before it has
 * arrived opens when it does.  A script element, not fetch(), so that the offline copy
 * opened from file:// has its previews too.  Without it (or without JavaScript) a
 * citation or a term is still a link to its entry in the bibliography or the glossary. */
(function () {
  "use strict";

  var TRIGGERS = "a.footnote-ref, a.cite, a.term";
  var OPEN_DELAY = 120;
  var CLOSE_DELAY = 350;
  var MORE = {
    note: "Go to the note",
    cite: "Open in the bibliography",
    term: "Open in the glossary"
  };
  var box = null;
  var state = { current: null, by: null, dismissed: null, timer: 0, pending: null };
  var pointer = { type: "mouse", at: 0, tapWasOpen: false };
  // The previews file: "none" (not asked for), "loading", "ready" or "failed".
  var texts = { status: "none", cite: {}, term: {}, waiting: [] };

  function kind(trigger) {
    if (trigger.classList.contains("footnote-ref")) { return "note"; }
    return trigger.classList.contains("cite") ? "cite" : "term";
  }

  function noteOf(trigger) {
    var href = trigger.getAttribute("href") || "";
    return href.charAt(0) === "#" ? document.getElementById(href.slice(1)) : null;
  }

  /* The previews file of this page, from the site's base (as Material's configuration
     gives it, the same online and in the offline copy) and the article's slug. */
  function previewsAddress() {
    var header = document.querySelector(".md-content .article-header[data-article]");
    var config = document.getElementById("__config");
    if (!header || !config) { return null; }
    var slug = header.getAttribute("data-article");
    if (!/^[a-z0-9][a-z0-9-]*$/.test(slug || "")) { return null; }
    try {
      var base = (JSON.parse(config.textContent).base || ".").replace(/\/?$/, "/");
      return new URL(base + "assets/previews/" + slug + ".js", window.location.href).href;
    } catch (e) {
      return null;
    }
  }

  function settle(status) {
    texts.status = status;
    var run = texts.waiting;
    texts.waiting = [];
    run.forEach(function (go) { go(); });
  }

  /* Load the previews file once; ``then`` runs when it has arrived (or failed). */
  function loadTexts(then) {
    if (texts.status === "ready" || texts.status === "failed") {
      if (then) { then(); }
      return;
    }
    if (then) { texts.waiting.push(then); }
    if (texts.status === "loading") { return; }
    var address = previewsAddress();
    if (!address) { settle("failed"); return; }
    texts.status = "loading";
    window.cstoPreviews = function (data) {
      texts.cite = (data && data.cite) || {};
      texts.term = (data && data.term) || {};
    };
    var script = document.createElement("script");
    script.src = address;
    script.onload = function () { settle("ready"); };
    script.onerror = function () { settle("failed"); };
    document.head.appendChild(script);
  }

  function textOf(trigger) {
    var href = trigger.getAttribute("href") || "";
    var at = href.indexOf("#");
    var table = texts[kind(trigger)];
    var key = at < 0 ? "" : href.slice(at + 1);
    return key && Object.prototype.hasOwnProperty.call(table, key) ? String(table[key]) : "";
  }

  /* Before the previews file has arrived, a citation or term with an address is taken
     to have a preview (the pipeline writes one for each); after, only if it has. */
  function previewable(trigger) {
    if (!trigger || (box && box.contains(trigger))) { return false; }
    if (kind(trigger) === "note") { return noteOf(trigger) !== null; }
    if ((trigger.getAttribute("href") || "").indexOf("#") < 0) { return false; }
    if (texts.status === "failed") { return false; }
    return texts.status !== "ready" || textOf(trigger).trim() !== "";
  }

  function make() {
    box = document.createElement("div");
    box.id = "reader-preview";
    box.className = "reader-preview";
    box.setAttribute("role", "tooltip");
    box.hidden = true;
    ["label", "body", "more"].forEach(function (part) {
      var el = document.createElement(part === "body" ? "div" : "p");
      el.className = "reader-preview__" + part;
      box.appendChild(el);
    });
    box.addEventListener("pointerenter", function () { window.clearTimeout(state.timer); });
    box.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse" && state.by === "hover") { later(hide, CLOSE_DELAY); }
    });
    document.body.appendChild(box);
  }

  /* The note's content, copied: no number, no back-link, no ids (they would repeat). */
  function noteContent(note) {
    var copy = note.cloneNode(true);
    copy.querySelectorAll(".fn-label, .footnote-backref").forEach(function (el) {
      el.remove();
    });
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    var fragment = document.createDocumentFragment();
    while (copy.firstChild) { fragment.appendChild(copy.firstChild); }
    return fragment;
  }

  function fill(trigger) {
    var what = kind(trigger);
    var label = box.querySelector(".reader-preview__label");
    var body = box.querySelector(".reader-preview__body");
    var more = box.querySelector(".reader-preview__more");
    var name = trigger.textContent.replace(/\s+/g, " ").trim();
    label.textContent = what === "note" ? "Note " + name
      : (/^[0-9]+$/.test(name) ? "Reference " + name : name);
    body.textContent = "";
    if (what === "note") {
      body.appendChild(noteContent(noteOf(trigger)));
    } else {
      body.textContent = textOf(trigger);
    }
    var link = document.createElement("a");
    link.href = trigger.href;
    link.textContent = MORE[what];
    more.textContent = "";
    more.appendChild(link);
    box.setAttribute("data-kind", what);
  }

  /* Below the trigger (all its lines, when it wraps), from where it starts; above it when
     there is no room below. */
  function place(trigger) {
    var rects = trigger.getClientRects();
    var all = trigger.getBoundingClientRect();
    var r = {
      left: rects.length ? rects[0].left : all.left, top: all.top, bottom: all.bottom
    };
    var margin = 8, gap = 4;
    var header = document.querySelector(".md-header");
    var top0 = header ? header.getBoundingClientRect().bottom : 0;
    var width = document.documentElement.clientWidth;
    box.style.left = "0px";
    box.style.top = "0px";
    var w = box.offsetWidth, h = box.offsetHeight;
    var left = Math.max(margin, Math.min(r.left, width - w - margin));
    var top = r.bottom + gap;
    if (top + h > window.innerHeight - margin && r.top - gap - h >= top0 + margin) {
      top = r.top - gap - h;
    }
    box.style.left = Math.round(left + window.scrollX) + "px";
    box.style.top = Math.round(top + window.scrollY) + "px";
  }

  function later(action, delay) {
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(action, delay);
  }

  function show(trigger, by) {
    window.clearTimeout(state.timer);
    if (kind(trigger) !== "note" && texts.status !== "ready") {
      state.pending = trigger; // opened when the previews file arrives, if still wanted
      loadTexts(function () {
        if (state.pending !== trigger) { return; }
        state.pending = null;
        if (previewable(trigger)) { show(trigger, by); }
      });
      return;
    }
    state.pending = null;
    if (state.current === trigger && !box.hidden) {
      if (by !== "hover") { state.by = by; }
      return;
    }
    hide();
    fill(trigger);
    state.current = trigger;
    state.by = by;
    trigger.setAttribute("aria-describedby", box.id);
    box.hidden = false;
    place(trigger);
  }

  function hide() {
    window.clearTimeout(state.timer);
    state.pending = null;
    if (state.current) { state.current.removeAttribute("aria-describedby"); }
    state.current = null;
    state.by = null;
    if (box) { box.hidden = true; }
  }

  function triggerAt(node) {
    var trigger = node && node.closest ? node.closest(TRIGGERS) : null;
    return previewable(trigger) ? trigger : null;
  }

  function onPointerOver(event) {
    if (event.pointerType !== "mouse") { return; }
    var trigger = triggerAt(event.target);
    if (trigger) {
      if (trigger === state.dismissed) { return; }
      if (trigger === state.current) { window.clearTimeout(state.timer); return; }
      later(function () { show(trigger, "hover"); }, state.current ? 0 : OPEN_DELAY);
    } else if (box.contains(event.target)) {
      window.clearTimeout(state.timer);
    } else {
      state.dismissed = null;
      state.pending = null;
      if (state.current && state.by === "hover") { later(hide, CLOSE_DELAY); }
      else if (!state.current) { window.clearTimeout(state.timer); }
    }
  }

  function onPointerDown(event) {
    pointer.type = event.pointerType || "mouse";
    pointer.at = Date.now();
    var trigger = triggerAt(event.target);
    pointer.tapWasOpen = Boolean(trigger) && trigger === state.current && !box.hidden;
    if (!trigger && !box.contains(event.target) && state.current && state.by !== "hover") {
      hide();
    }
  }

  /* On a touch screen the first tap on a trigger opens its preview instead of following. */
  function onClick(event) {
    var trigger = triggerAt(event.target);
    if (!trigger || pointer.type === "mouse" || pointer.type === "key") { return; }
    if (!pointer.tapWasOpen) {
      event.preventDefault();
      show(trigger, "tap");
    }
    pointer.tapWasOpen = false;
  }

  function onFocusIn(event) {
    var trigger = triggerAt(event.target);
    if (!trigger) { return; }
    var pressed = Date.now() - pointer.at < 800; // focus that comes with a press
    if (pressed && pointer.type === "mouse") {
      if (trigger !== state.dismissed) { show(trigger, "hover"); }
      return;
    }
    state.dismissed = null;
    show(trigger, pressed ? "tap" : "focus");
  }

  function onFocusOut(event) {
    var next = event.relatedTarget;
    if (state.pending === event.target) { state.pending = null; }
    if (state.by !== "focus" || (next && (box.contains(next) || next === state.current))) {
      return;
    }
    hide();
  }

  function onKeyDown(event) {
    pointer.type = "key";
    if ((event.key === "Escape" || event.key === "Esc") && state.current) {
      state.dismissed = state.current;
      hide();
    }
  }

  function reposition() {
    if (state.current && !box.hidden) { place(state.current); }
  }

  /* The first sign of a reader at work on the page asks for the previews file, so that
     it is there by the time a preview opens (for a screen reader, with the focus). */
  var WARM = ["pointerover", "pointerdown", "focusin"];
  function warm(event) {
    var t = event.target;
    if (event.type === "focusin" && t && t.matches &&
        t.matches("[data-md-component=search-query], .md-search__input")) { return; }
    WARM.forEach(function (type) { document.removeEventListener(type, warm, true); });
    loadTexts(null);
  }
  if (previewsAddress()) {
    WARM.forEach(function (type) { document.addEventListener(type, warm, true); });
  }

  make();
  document.addEventListener("pointerover", onPointerOver);
  document.addEventListener("pointerdown", onPointerDown, true);
  document.addEventListener("click", onClick, true);
  document.addEventListener("focusin", onFocusIn);
  document.addEventListener("focusout", onFocusOut);
  document.addEventListener("keydown", onKeyDown);
  window.addEventListener("resize", reposition);
  document.documentElement.addEventListener("mouseleave", function () {
    if (state.current && state.by === "hover") { later(hide, CLOSE_DELAY); }
  });
})();

/* The CSTO Reader: in the offline copy (opened from disk), the home page's link to the
 * offline zip would point at a file the copy does not hold; it becomes plain text. */
(function () {
  "use strict";
  if (window.location.protocol !== "file:") { return; }
  document.querySelectorAll("a.offline-zip").forEach(function (link) {
    var text = document.createElement("span");
    text.className = "offline-zip";
    text.textContent = link.textContent + " (the copy you are reading now)";
    link.replaceWith(text);
  });
})();

/* The CSTO Reader: the reading settings, on every page: a class on the root for each one
 * switched off (key and names as annotations.js's SETTINGS_KEY and SETTINGS), and hidden
 * term marks without their href.  The settings' boxes (in the bar under an article's
 * header, and on /my-notes/) are kept here, so they work before annotations.js loads. */
(function () {
  "use strict";
  var KEY = "csto-reader:settings:v1";
  var CLASSES = { pnum: "csto-hide-pnum", terms: "csto-hide-terms", related: "csto-hide-related" };
  var BOX = /^csto-setting-(pnum|terms|related)$/;

  function load() {
    try {
      var s = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return s && typeof s === "object" ? s : {};
    } catch (e) {
      return {};
    }
  }

  function apply() {
    var saved = load();
    Object.keys(CLASSES).forEach(function (name) {
      document.documentElement.classList.toggle(CLASSES[name], saved[name] === false);
    });
    var hideTerms = saved.terms === false;
    document.querySelectorAll(".md-content a.term").forEach(function (a) {
      if (hideTerms && a.hasAttribute("href")) {
        a.setAttribute("data-term-href", a.getAttribute("href"));
        a.removeAttribute("href");
      } else if (!hideTerms && a.hasAttribute("data-term-href")) {
        a.setAttribute("href", a.getAttribute("data-term-href"));
        a.removeAttribute("data-term-href");
      }
    });
    document.querySelectorAll("input[type=checkbox][name^='csto-setting-']").forEach(function (box) {
      var m = BOX.exec(box.name);
      if (m) { box.checked = saved[m[1]] !== false; }
    });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    var m = box && box.name ? BOX.exec(box.name) : null;
    if (!m || box.type !== "checkbox") { return; }
    var saved = load();
    saved[m[1]] = box.checked;
    try { window.localStorage.setItem(KEY, JSON.stringify(saved)); } catch (e) { /* off or full */ }
    apply();
  });
  window.cstoSettings = { apply: apply };
  apply();
})();

/* The CSTO Reader: an article page loads annotations.js and annotations.css (17 KB
 * gzipped) on the reader's first selection, key, press or focus in the content, or at once
 * when this browser holds annotations of the article.  The bar under the header is in the
 * page already.  A paragraph menu or H asked for before the script arrives is passed on.
 * Elements, not fetch(), so that the offline copy (file://) has them too. */
(function () {
  "use strict";
  var header = document.querySelector(".md-content .article-header[data-article]");
  var config = document.getElementById("__config");
  if (!header || !config) { return; }
  var slug = header.getAttribute("data-article");
  var base = ".";
  try { base = JSON.parse(config.textContent).base || "."; } catch (e) { base = "."; }
  base = base.replace(/\/?$/, "/");
  var TRIGGERS = ["pointerdown", "keydown", "focusin"];
  var state = "none"; // "loading", "ready"
  var pending = null; // () => void: what the reader asked for before the script arrived

  function saved() {
    try {
      var list = JSON.parse(window.localStorage.getItem("csto-reader:annotations:v1") || "[]");
      return Array.isArray(list) && list.some(function (a) { return a && a.article === slug; });
    } catch (e) {
      return false;
    }
  }

  function inContent(node) {
    var el = node && node.nodeType === 1 ? node : node && node.parentElement;
    return Boolean(el && el.closest && el.closest(".md-content"));
  }

  function loadScript() {
    var script = document.createElement("script");
    script.src = base + "assets/javascripts/annotations.js";
    script.onload = function () {
      state = "ready";
      var sel = window.getSelection();
      if (sel && !sel.isCollapsed) { document.dispatchEvent(new Event("selectionchange")); }
      var run = pending;
      pending = null;
      if (run) { run(); }
    };
    document.body.appendChild(script);
  }

  // the style sheet first: marks and notes are never shown unstyled
  function load() {
    if (state !== "none") { return; }
    state = "loading";
    TRIGGERS.forEach(function (type) { document.removeEventListener(type, onEvent, true); });
    document.removeEventListener("selectionchange", onSelection);
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = base + "assets/stylesheets/annotations.css";
    sheet.onload = sheet.onerror = loadScript;
    document.head.appendChild(sheet);
  }

  function onEvent(event) {
    if (inContent(event.target)) { load(); }
  }

  function onSelection() {
    var sel = window.getSelection();
    if (sel && !sel.isCollapsed && inContent(sel.anchorNode)) { load(); }
  }

  document.addEventListener("csto:pnum", function (event) {
    if (state === "ready") { return; }
    var link = event.target;
    var detail = event.detail;
    pending = function () {
      link.dispatchEvent(new CustomEvent("csto:pnum", { bubbles: true, detail: detail }));
    };
    load();
  });
  document.addEventListener("keydown", function (event) {
    if (state === "ready" || (event.key !== "h" && event.key !== "H")) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !inContent(sel.anchorNode)) { return; }
    var target = event.target;
    var key = event.key;
    pending = function () {
      target.dispatchEvent(new KeyboardEvent("keydown", { key: key, bubbles: true, cancelable: true }));
    };
  }, true);

  if (saved()) {
    // after Material's bundle (loaded after this file) has run
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", load);
    } else {
      load();
    }
  } else {
    TRIGGERS.forEach(function (type) { document.addEventListener(type, onEvent, true); });
    document.addEventListener("selectionchange", onSelection);
  }
})();

/* The CSTO Reader: no transitions while the palette switches.
 *
 * Material marks <body> with data-md-color-switching while it switches colours, and its
 * style sheet stops every transition under that mark; but it sets and removes the mark
 * once at start too, and each time the browser restyles the whole page.  That rule is
 * left out of the built site (publish/assets.py, REPLACED_ATTRIBUTES); this class does its
 * work when the reader switches, before Material's own handler changes the colours (a
 * listener on the document in the capture phase runs first), for two frames. */
(function () {
  "use strict";
  var CLASS = "csto-palette-switching";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.name !== "__palette") { return; }
    document.body.classList.add(CLASS);
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(function () { document.body.classList.remove(CLASS); });
    });
  }, true);
})();
