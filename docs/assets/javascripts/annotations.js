/* The CSTO Reader: a student's own highlights and notes, kept in this browser only.
 *
 * On an article page a student selects a passage and gives it a colour (the bar that
 * appears under the selection, or the key H), with an optional note; or opens a paragraph
 * number's menu (a click on the number: reader.js copies its link and sends "csto:pnum")
 * to note the whole paragraph, to highlight words typed in (keyboard only), or to copy a
 * citation of the paragraph.  /my-notes/ lists every annotation in reading order, exports
 * them as Markdown or as W3C Web Annotation JSON, imports that JSON and prints.
 *
 * Nothing is sent anywhere: the annotations live in localStorage (which also works for
 * the offline copy opened from file://) and the page asks no host for anything.
 *
 * Anchoring.  Each annotation keeps its article, its paragraph (the stable address p12),
 * the quoted text with up to 32 characters of the same paragraph before and after it (a
 * W3C TextQuoteSelector) and its offsets in the paragraph's text (a TextPositionSelector).
 * On each visit it is found again only where the quote AND its context read exactly as
 * before: first in its own paragraph, then in any paragraph of the article (a paragraph
 * renumbered by a new edition).  Where they do not, it is never moved to a look-alike:
 * it goes to the list "not placed" with its old quote, for the student to place again on
 * a new selection, or to delete.
 *
 * Also here: the reader settings (hide paragraph numbers, glossary term marks and "see
 * also" passages), kept in this browser too, applied on every page.
 *
 * Everything a student typed or imported reaches the page with textContent, never HTML.
 */
(function () {
  "use strict";

  var KEY = "csto-reader:annotations:v1";
  var SETTINGS_KEY = "csto-reader:settings:v1"; // reader.js reads it too (every page)
  var CONTEXT = 32;
  var MAX_TEXT = 20000;
  var COLOURS = [
    ["yellow", "Yellow"], ["green", "Green"], ["blue", "Blue"], ["pink", "Pink"]
  ];
  var COLOUR_NAMES = {};
  COLOURS.forEach(function (c) { COLOUR_NAMES[c[0]] = c[1]; });
  var lastColour = "yellow";

  // ------------------------------------------------------------------ small helpers

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function button(text, className, onClick) {
    var b = el("button", className, text);
    b.type = "button";
    if (onClick) { b.addEventListener("click", onClick); }
    return b;
  }

  function squash(text) { return String(text).replace(/\s+/g, " ").trim(); }

  function shorten(text, limit) {
    var t = squash(text);
    return t.length > limit ? t.slice(0, limit - 1).replace(/\s+\S*$/, "") + "…" : t;
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return "urn:uuid:" + window.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return "urn:uuid:" + h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" +
      h.slice(6, 8).join("") + "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function now() { return new Date().toISOString(); }

  function paraNumber(id) { return String(id).replace(/^p/, ""); }

  var live = null;
  function announce(message) {
    if (!live) {
      live = el("div", "anno-live");
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      document.body.appendChild(live);
    }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 30);
  }

  // ---------------------------------------------------------------------- storage

  function openStorage() {
    try {
      var s = window.localStorage;
      s.setItem("csto-reader:probe", "1");
      s.removeItem("csto-reader:probe");
      return s;
    } catch (e) {
      return null;
    }
  }
  var storage = openStorage();

  function isText(v, max) { return typeof v === "string" && v.length <= (max || MAX_TEXT); }

  /* An annotation as stored: every field checked, so a damaged or hostile entry (from an
     import, or another script of the same origin) is dropped, not shown. */
  function valid(a) {
    return a && typeof a === "object" && isText(a.id, 200) && /^[a-z0-9][a-z0-9-]*$/.test(a.article || "") &&
      /^p[0-9]+$/.test(a.para || "") && isText(a.exact) && a.exact.length > 0 &&
      isText(a.prefix) && isText(a.suffix) && isText(a.note) &&
      typeof a.start === "number" && typeof a.end === "number" && a.start >= 0 &&
      a.end - a.start === a.exact.length && COLOUR_NAMES.hasOwnProperty(a.colour);
  }

  function loadAll() {
    if (!storage) { return []; }
    try {
      var list = JSON.parse(storage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list.filter(valid) : [];
    } catch (e) {
      return [];
    }
  }

  function saveAll(list) {
    if (!storage) { return false; }
    try {
      storage.setItem(KEY, JSON.stringify(list));
      return true;
    } catch (e) {
      announce("Your browser refused to store the note (its storage may be full).");
      return false;
    }
  }

  function update(id, change) {
    var list = loadAll();
    list.forEach(function (a) { if (a.id === id) { change(a); } });
    saveAll(list);
    return list;
  }

  function remove(id) {
    saveAll(loadAll().filter(function (a) { return a.id !== id; }));
  }

  // --------------------------------------------------------------- reader settings

  var SETTINGS = [
    ["pnum", "Show paragraph numbers", "csto-hide-pnum"],
    ["terms", "Mark glossary terms in the text", "csto-hide-terms"],
    ["related", "Show “See also” passages", "csto-hide-related"]
  ];

  function loadSettings() {
    try {
      var s = JSON.parse((storage && storage.getItem(SETTINGS_KEY)) || "{}");
      return s && typeof s === "object" ? s : {};
    } catch (e) {
      return {};
    }
  }

  /* The settings are applied, and kept when a box is ticked, by reader.js (on every
     page, also before this script has loaded): SETTINGS names them for the boxes. */
  function applySettings() {
    if (window.cstoSettings) { window.cstoSettings.apply(); }
  }

  function settingsBox() {
    var box = el("details", "reader-settings anno-ui");
    box.appendChild(el("summary", null, "Reading settings"));
    var s = loadSettings();
    var list = el("div", "reader-settings__list");
    SETTINGS.forEach(function (row) {
      var label = el("label", "reader-settings__item");
      var input = el("input");
      input.type = "checkbox";
      input.name = "csto-setting-" + row[0];
      input.checked = s[row[0]] !== false;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + row[1]));
      list.appendChild(label);
    });
    box.appendChild(list);
    box.appendChild(el("p", "reader-settings__note",
      "Kept in this browser only, for every page of the reader."));
    return box;
  }

  // ------------------------------------------------------- paragraph text and offsets

  /* The text of a numbered block as anchoring counts it: every text node but the ¶
     number's and those of our own controls. */
  function textNodes(para) {
    var nodes = [];
    var walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        return parent && parent.closest(".pnum, .anno-ui")
          ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    return nodes;
  }

  function paraText(para) {
    return textNodes(para).map(function (t) { return t.data; }).join("");
  }

  /* A range boundary (node, offset) as an offset in the block's text. */
  function offsetOf(para, node, offset) {
    var pos = 0;
    var nodes = textNodes(para);
    for (var i = 0; i < nodes.length; i++) {
      var r = document.createRange();
      r.selectNodeContents(nodes[i]);
      var where = r.comparePoint(node, offset);
      if (where < 0) { return pos; }
      if (where === 0 && node === nodes[i]) { return pos + offset; }
      pos += nodes[i].data.length;
    }
    return pos;
  }

  function paragraphs() {
    return Array.prototype.slice.call(document.querySelectorAll(".md-content .para[id^='p']"))
      .filter(function (p) { return /^p[0-9]+$/.test(p.id); });
  }

  /* The selection, if it lies in one numbered block (clipped to the first block it
     touches): {para, start, end, exact, prefix, suffix}, else null. */
  function selectionAnchor() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return null; }
    var range = sel.getRangeAt(0);
    var startEl = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var endEl = range.endContainer.nodeType === 1 ? range.endContainer : range.endContainer.parentElement;
    if ((startEl && startEl.closest(".anno-ui")) || (endEl && endEl.closest(".anno-ui"))) { return null; }
    var para = startEl && startEl.closest(".md-content .para[id^='p']");
    var endPara = endEl && endEl.closest(".md-content .para[id^='p']");
    var start, end;
    if (para) {
      start = offsetOf(para, range.startContainer, range.startOffset);
      end = endPara === para ? offsetOf(para, range.endContainer, range.endOffset) : paraText(para).length;
    } else if (endPara) {
      para = endPara;
      start = 0;
      end = offsetOf(para, range.endContainer, range.endOffset);
    } else {
      return null;
    }
    return quoteAt(para, start, end);
  }

  /* Trim white space off the ends, then the quote and its context. */
  function quoteAt(para, start, end) {
    var text = paraText(para);
    while (start < end && /\s/.test(text.charAt(start))) { start++; }
    while (end > start && /\s/.test(text.charAt(end - 1))) { end--; }
    if (end <= start) { return null; }
    return {
      para: para.id, start: start, end: end, exact: text.slice(start, end),
      prefix: text.slice(Math.max(0, start - CONTEXT), start),
      suffix: text.slice(end, end + CONTEXT)
    };
  }

  // ------------------------------------------------------------------- re-anchoring

  function fits(text, start, a) {
    var end = start + a.exact.length;
    return text.slice(start, end) === a.exact &&
      text.slice(Math.max(0, start - CONTEXT), start) === a.prefix &&
      text.slice(end, end + CONTEXT) === a.suffix;
  }

  /* Where in this text the quote stands with the same context: the offset nearest to the
     stored one, or -1. */
  function findIn(text, a) {
    if (fits(text, a.start, a)) { return a.start; }
    var best = -1;
    for (var at = text.indexOf(a.exact); at >= 0; at = text.indexOf(a.exact, at + 1)) {
      if (fits(text, at, a) && (best < 0 || Math.abs(at - a.start) < Math.abs(best - a.start))) {
        best = at;
      }
    }
    return best;
  }

  /* {para, start} where the annotation reads exactly as it did, or null: its own block
     first, else the one block of the article where quote and context are found. */
  function locate(a, texts) {
    if (texts[a.para] !== undefined) {
      var here = findIn(texts[a.para], a);
      if (here >= 0) { return { para: a.para, start: here }; }
    }
    var found = [];
    Object.keys(texts).forEach(function (id) {
      if (id === a.para) { return; }
      var at = findIn(texts[id], a);
      if (at >= 0) { found.push({ para: id, start: at }); }
    });
    return found.length === 1 ? found[0] : null;
  }

  // ----------------------------------------------------------------- the article page

  var page = null; // {slug, author, year, title, reference, source} on an article page

  function articleInfo(header) {
    var h1 = document.querySelector(".md-content h1");
    var title = "";
    if (h1) {
      var copy = h1.cloneNode(true);
      copy.querySelectorAll(".headerlink").forEach(function (x) { x.remove(); });
      title = squash(copy.textContent);
    }
    var apa = header.querySelector(".cite-apa");
    var reference = "";
    if (apa) {
      var c = apa.cloneNode(true);
      var label = c.querySelector("strong");
      if (label) { label.remove(); }
      reference = squash(c.textContent);
    }
    var canonical = document.querySelector("link[rel='canonical']");
    var slug = header.getAttribute("data-article");
    return {
      slug: slug,
      author: header.getAttribute("data-cite-author") || title,
      year: header.getAttribute("data-cite-year") || "n.d.",
      title: title,
      reference: reference,
      source: canonical ? canonical.href : "articles/" + slug + "/"
    };
  }

  function citationText(id) {
    return page.author + " (" + page.year + ", ¶" + paraNumber(id) + ")";
  }

  /* Find every annotation of this article again; record where each now stands (a new
     ¶, or "not placed") and the article's title and reference as this page gives them. */
  function reanchor() {
    var texts = {};
    paragraphs().forEach(function (p) { texts[p.id] = paraText(p); });
    var list = loadAll();
    var changed = false;
    list.forEach(function (a) {
      if (a.article !== page.slug) { return; }
      var at = locate(a, texts);
      var before = JSON.stringify(a);
      if (at) {
        if (at.para !== a.para) { a.movedFrom = a.para; }
        a.para = at.para;
        a.start = at.start;
        a.end = at.start + a.exact.length;
        a.unattached = false;
      } else {
        a.unattached = true;
      }
      a.title = page.title;
      a.reference = page.reference;
      a.author = page.author;
      a.year = page.year;
      a.source = page.source;
      if (JSON.stringify(a) !== before) { changed = true; }
    });
    if (changed) { saveAll(list); }
    return list.filter(function (a) { return a.article === page.slug; });
  }

  var PHRASING_PARENTS = /^(TABLE|THEAD|TBODY|TFOOT|TR|UL|OL|DL)$/;

  function wrap(para, a) {
    var pos = 0;
    textNodes(para).forEach(function (t) {
      var len = t.data.length;
      var from = Math.max(a.start - pos, 0);
      var to = Math.min(a.end - pos, len);
      pos += len;
      if (from >= to || PHRASING_PARENTS.test(t.parentNode.nodeName)) { return; }
      var node = t;
      if (to < len) { node.splitText(to); }
      if (from > 0) { node = node.splitText(from); }
      var mark = el("mark", "anno-mark anno-mark--" + a.colour);
      mark.setAttribute("data-anno", a.id);
      if (a.note) { mark.classList.add("anno-mark--noted"); }
      node.parentNode.insertBefore(mark, node);
      mark.appendChild(node);
    });
  }

  function clearMarks() {
    document.querySelectorAll("mark.anno-mark").forEach(function (m) {
      var parent = m.parentNode;
      while (m.firstChild) { parent.insertBefore(m.firstChild, m); }
      parent.removeChild(m);
      parent.normalize();
    });
    document.querySelectorAll(".anno-notes").forEach(function (n) { n.remove(); });
    document.querySelectorAll(".anno-para").forEach(function (p) {
      p.className = p.className.replace(/\banno-para(--\w+)?\b/g, "").trim();
    });
  }

  function isWhole(a) { return a.whole === true; }

  function byPlace(a, b) {
    return paraNumber(a.para) - paraNumber(b.para) || a.start - b.start ||
      (a.created < b.created ? -1 : 1);
  }

  /* The notes of one block, set under it: each with its colour, its quote and Edit. */
  function notesBlock(para, items) {
    var box = el("div", "anno-notes anno-ui");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Your notes on paragraph " + paraNumber(para.id));
    items.forEach(function (a) {
      var row = el("div", "anno-note anno-note--" + a.colour);
      var label = isWhole(a) ? "Note on ¶" + paraNumber(a.para) : "“" + shorten(a.exact, 70) + "”";
      row.appendChild(el("span", "anno-note__quote", label));
      if (a.note) { row.appendChild(el("span", "anno-note__text", a.note)); }
      var edit = button("Edit", "anno-button anno-button--small", function () {
        openEditor({ id: a.id }, edit);
      });
      edit.setAttribute("aria-label", "Edit your note " + (isWhole(a) ? "on paragraph " + paraNumber(a.para) : "on " + label));
      row.appendChild(edit);
      box.appendChild(row);
    });
    para.insertAdjacentElement("afterend", box);
  }

  function render() {
    clearMarks();
    var mine = reanchor();
    var byPara = {};
    mine.filter(function (a) { return !a.unattached; }).sort(byPlace).forEach(function (a) {
      (byPara[a.para] = byPara[a.para] || []).push(a);
    });
    Object.keys(byPara).forEach(function (id) {
      var para = document.getElementById(id);
      var items = byPara[id];
      items.forEach(function (a) {
        if (isWhole(a)) { para.classList.add("anno-para", "anno-para--" + a.colour); }
        else { wrap(para, a); }
      });
      var noted = items.filter(function (a) { return a.note || isWhole(a); });
      if (noted.length) { notesBlock(para, noted); }
    });
    renderBar(mine);
  }

  // ------------------------------------------------ the bar under the article header

  var bar = null;

  function myNotesHref() {
    var link = document.querySelector("a.md-nav__link[href*='my-notes']");
    if (link) { return link.getAttribute("href"); }
    return siteBase() + "my-notes/";
  }

  function siteBase() {
    var config = document.getElementById("__config");
    try {
      var base = JSON.parse(config.textContent).base || ".";
      return base.replace(/\/?$/, "/");
    } catch (e) {
      return "/";
    }
  }

  /* The bar is in the page (the pipeline writes it, so that it does not appear late and
     push the text down); it is made here only for a page without one.  Its settings box
     stays as it is (open, or with the focus, when the reader was at it). */
  function renderBar(mine) {
    if (!bar) {
      var header = document.querySelector(".article-header[data-article]");
      bar = header.parentNode.querySelector(".anno-bar");
      if (!bar) {
        bar = el("div", "anno-bar anno-ui");
        bar.setAttribute("role", "region");
        bar.setAttribute("aria-label", "Your highlights and notes");
        header.insertAdjacentElement("afterend", bar);
      }
    }
    var settings = bar.querySelector("details.reader-settings");
    if (!settings) { settings = bar.appendChild(settingsBox()); }
    Array.prototype.slice.call(bar.childNodes).forEach(function (node) {
      if (node !== settings) { bar.removeChild(node); } // not it: the focus may be in it
    });
    var attached = mine.filter(function (a) { return !a.unattached; }).length;
    var intro = el("p", "anno-bar__intro");
    if (!storage) {
      intro.textContent = "This browser does not let the reader keep highlights and notes " +
        "for this page (its storage is switched off).";
      bar.insertBefore(intro, settings);
      return;
    }
    intro.appendChild(el("strong", null, attached === 1 ? "1 highlight or note" :
      attached + " highlights and notes"));
    intro.appendChild(document.createTextNode(
      " of yours on this article. Select a passage to highlight it (or select it and press H), " +
      "or click a paragraph number to note the whole paragraph or cite it. They stay in this " +
      "browser only: nothing is sent anywhere. "));
    var link = el("a", null, "All my notes");
    link.href = myNotesHref();
    intro.appendChild(link);
    bar.insertBefore(intro, settings);
    var lost = mine.filter(function (a) { return a.unattached; });
    if (lost.length) { bar.insertBefore(unattachedList(lost), settings); }
  }

  function unattachedList(lost) {
    var box = el("div", "anno-unattached");
    box.appendChild(el("p", "anno-unattached__title",
      (lost.length === 1 ? "1 note" : lost.length + " notes") + " could not be placed: " +
      "the text they quoted is not in this edition as it was. Select where each belongs and " +
      "press “Place at my selection”, or delete it."));
    var list = el("ul", "anno-unattached__list");
    lost.forEach(function (a) {
      var item = el("li", "anno-note anno-note--" + a.colour);
      item.appendChild(el("span", "anno-note__where", "Was ¶" + paraNumber(a.para) + ": "));
      item.appendChild(el("q", "anno-note__quote", shorten(a.exact, 160)));
      if (a.note) { item.appendChild(el("span", "anno-note__text", a.note)); }
      var actions = el("span", "anno-note__actions");
      actions.appendChild(button("Place at my selection", "anno-button anno-button--small", function () {
        place(a.id);
      }));
      var del = button("Delete", "anno-button anno-button--small", function () {
        remove(a.id);
        render();
        announce("The note was deleted.");
      });
      del.setAttribute("aria-label", "Delete the note that quoted “" + shorten(a.exact, 40) + "”");
      actions.appendChild(del);
      item.appendChild(actions);
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function place(id) {
    var at = selectionAnchor() || lastSelection;
    if (!at) {
      announce("Select the passage in the article first, then press “Place at my selection”.");
      return;
    }
    update(id, function (a) {
      a.para = at.para; a.start = at.start; a.end = at.end; a.exact = at.exact;
      a.prefix = at.prefix; a.suffix = at.suffix; a.whole = false; a.unattached = false;
      a.modified = now();
    });
    hideToolbar();
    lastSelection = null;
    render();
    announce("The note is placed in paragraph " + paraNumber(at.para) + ".");
  }

  // --------------------------------------------------------- creating and editing

  function create(at, colour, whole, note) {
    var a = {
      id: newId(), created: now(), modified: now(), article: page.slug,
      para: at.para, start: at.start, end: at.end, exact: at.exact,
      prefix: at.prefix, suffix: at.suffix, whole: Boolean(whole),
      colour: colour || lastColour, note: note || "", unattached: false,
      title: page.title, reference: page.reference, author: page.author,
      year: page.year, source: page.source
    };
    var list = loadAll();
    list.push(a);
    if (!saveAll(list)) { return null; }
    render();
    return a;
  }

  function wholeParagraph(para) {
    var text = paraText(para);
    return { para: para.id, start: 0, end: text.length, exact: text, prefix: "", suffix: "" };
  }

  /* The words a student typed, found once in the block (white space as in the text). */
  function typedAnchor(para, words) {
    var text = paraText(para);
    var want = squash(words);
    if (!want) { return { error: "Type the words to highlight, as they stand in the paragraph." }; }
    var pattern = new RegExp(want.split(" ").map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("\\s+"), "g");
    var hits = [];
    var m;
    while ((m = pattern.exec(text)) !== null) { hits.push(m); }
    if (hits.length === 0) { return { error: "These words are not in paragraph " + paraNumber(para.id) + "." }; }
    if (hits.length > 1) {
      return { error: "These words occur " + hits.length + " times in paragraph " +
        paraNumber(para.id) + ": add a word or two." };
    }
    return quoteAt(para, hits[0].index, hits[0].index + hits[0][0].length);
  }

  var editor = null;
  var editorReturn = null;

  /* The editor of one annotation: colour, note, Save, Delete.  opts: {id} an existing
     one; {para, whole: true} a new note on a block; {para, typed: true} new, from words
     typed into it (keyboard only). */
  function openEditor(opts, returnTo) {
    closeEditor(false);
    closeMenu(false);
    var existing = opts.id ? loadAll().filter(function (a) { return a.id === opts.id; })[0] : null;
    if (opts.id && !existing) { return; }
    var paraId = existing ? existing.para : opts.para;
    var para = document.getElementById(paraId);
    editorReturn = returnTo || (para && para.querySelector("a.pnum"));
    editor = el("div", "anno-editor anno-ui");
    editor.setAttribute("role", "dialog");
    var heading = existing ? (isWhole(existing) ? "Your note on paragraph " : "Your highlight in paragraph ")
      : (opts.whole ? "A note on paragraph " : "Highlight words in paragraph ");
    editor.setAttribute("aria-label", heading + paraNumber(paraId));
    editor.appendChild(el("p", "anno-editor__title", heading + paraNumber(paraId)));
    if (existing && !isWhole(existing)) {
      editor.appendChild(el("q", "anno-editor__quote", shorten(existing.exact, 200)));
    }
    var words = null;
    if (opts.typed) {
      words = fieldIn(editor, "input", "Words to highlight (as they stand in the paragraph)", "anno-words");
    }
    var colour = existing ? existing.colour : lastColour;
    var group = el("fieldset", "anno-colours");
    group.appendChild(el("legend", null, "Colour"));
    COLOURS.forEach(function (c) {
      var label = el("label", "anno-colour anno-colour--" + c[0]);
      var radio = el("input");
      radio.type = "radio";
      radio.name = "anno-colour";
      radio.value = c[0];
      radio.checked = c[0] === colour;
      label.appendChild(radio);
      label.appendChild(el("span", "anno-colour__swatch"));
      label.appendChild(document.createTextNode(c[1]));
      group.appendChild(label);
    });
    editor.appendChild(group);
    var note = fieldIn(editor, "textarea", "Note (optional)", "anno-note-text");
    note.value = existing ? existing.note : "";
    var message = el("p", "anno-editor__message");
    message.setAttribute("role", "alert");
    var actions = el("div", "anno-editor__actions");
    actions.appendChild(button("Save", "anno-button anno-button--primary", function () {
      var chosen = editor.querySelector("input[name='anno-colour']:checked");
      var picked = chosen ? chosen.value : lastColour;
      lastColour = picked;
      if (existing) {
        update(existing.id, function (a) { a.colour = picked; a.note = note.value.slice(0, MAX_TEXT); a.modified = now(); });
        closeEditor(true);
        render();
        announce("Saved.");
        return;
      }
      var at = opts.typed ? typedAnchor(para, words.value) : wholeParagraph(para);
      if (!at || at.error) {
        message.textContent = at ? at.error : "Nothing to highlight.";
        (words || note).focus();
        return;
      }
      create(at, picked, !opts.typed, note.value.slice(0, MAX_TEXT));
      closeEditor(true);
      announce(opts.typed ? "Highlighted, in paragraph " + paraNumber(paraId) + "." : "Note saved.");
    }));
    if (existing) {
      actions.appendChild(button("Delete", "anno-button", function () {
        remove(existing.id);
        closeEditor(true);
        render();
        announce("Deleted.");
      }));
    }
    actions.appendChild(button("Cancel", "anno-button", function () { closeEditor(true); }));
    editor.appendChild(message);
    editor.appendChild(actions);
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.stopPropagation(); closeEditor(true); return; }
      // Enter in the words field, or Ctrl+Enter in the note, saves (as a form would)
      var save = event.key === "Enter" && (event.target === words || event.ctrlKey || event.metaKey);
      if (save) { event.preventDefault(); actions.querySelector(".anno-button--primary").click(); }
    });
    document.body.appendChild(editor);
    var target = existing && !isWhole(existing)
      ? document.querySelector("mark.anno-mark[data-anno='" + CSS.escape(existing.id) + "']") : para;
    placeBelow(editor, target || para);
    (words || note).focus({ preventScroll: true });
  }

  function fieldIn(parent, tag, labelText, id) {
    var label = el("label", "anno-field", labelText);
    label.setAttribute("for", id);
    var input = el(tag, "anno-input");
    input.id = id;
    if (tag === "textarea") { input.rows = 3; } else { input.type = "text"; }
    input.setAttribute("autocomplete", "off");
    parent.appendChild(label);
    parent.appendChild(input);
    return input;
  }

  function closeEditor(restoreFocus) {
    if (!editor) { return; }
    editor.remove();
    editor = null;
    if (restoreFocus && editorReturn && document.contains(editorReturn)) {
      editorReturn.focus({ preventScroll: true });
    }
    editorReturn = null;
  }

  /* Under the element (its first line), inside the page's width. */
  function placeBelow(box, target) {
    var rects = target.getClientRects();
    var r = rects.length ? rects[rects.length - 1] : target.getBoundingClientRect();
    var first = rects.length ? rects[0] : r;
    var width = document.documentElement.clientWidth;
    box.style.left = "0px";
    box.style.top = "0px";
    var left = Math.max(8, Math.min(first.left, width - box.offsetWidth - 8));
    box.style.left = Math.round(left + window.scrollX) + "px";
    box.style.top = Math.round(r.bottom + 6 + window.scrollY) + "px";
  }

  // ------------------------------------------------------- the bar under a selection

  var toolbar = null;
  var remembered = null;  // the selection the bar is for (a tap on the bar may clear it)
  var lastSelection = null;  // the last selection in a block, for "Place at my selection"
  var pressing = false;

  function makeToolbar() {
    toolbar = el("div", "anno-toolbar anno-ui");
    toolbar.setAttribute("role", "group");
    toolbar.setAttribute("aria-label", "Highlight the selected passage");
    COLOURS.forEach(function (c) {
      var b = button("", "anno-swatch anno-swatch--" + c[0], function () { highlightSelection(c[0], false); });
      b.setAttribute("aria-label", "Highlight in " + c[1].toLowerCase());
      b.title = "Highlight in " + c[1].toLowerCase();
      toolbar.appendChild(b);
    });
    toolbar.appendChild(button("Add a note", "anno-button anno-button--small", function () {
      highlightSelection(lastColour, true);
    }));
    toolbar.addEventListener("pointerdown", function () { pressing = true; });
    toolbar.addEventListener("pointerup", function () {
      window.setTimeout(function () { pressing = false; }, 400);
    });
    toolbar.hidden = true;
    document.body.appendChild(toolbar);
  }

  function highlightSelection(colour, withNote) {
    var at = selectionAnchor() || remembered;
    if (!at) { return; }
    lastColour = colour;
    var a = create(at, colour, false, "");
    hideToolbar();
    var sel = window.getSelection();
    if (sel) { sel.removeAllRanges(); }
    if (!a) { return; }
    if (withNote) {
      openEditor({ id: a.id });
    } else {
      announce("Highlighted in " + COLOUR_NAMES[colour].toLowerCase() + ", paragraph " + paraNumber(a.para) + ".");
    }
  }

  function hideToolbar() {
    if (toolbar) { toolbar.hidden = true; }
    remembered = null;
  }

  function onSelectionChange() {
    var at = selectionAnchor();
    if (at) {
      remembered = at;
      lastSelection = at;
      toolbar.hidden = false;
      var range = window.getSelection().getRangeAt(0);
      var rects = range.getClientRects();
      var r = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
      var width = document.documentElement.clientWidth;
      var left = Math.max(8, Math.min(r.left, width - toolbar.offsetWidth - 8));
      toolbar.style.left = Math.round(left + window.scrollX) + "px";
      // below the selection: a phone shows its own menu above it
      toolbar.style.top = Math.round(r.bottom + 10 + window.scrollY) + "px";
      return;
    }
    window.setTimeout(function () {
      if (pressing || selectionAnchor()) { return; }
      if (toolbar.contains(document.activeElement)) { return; }
      hideToolbar();
    }, 250);
  }

  // ------------------------------------------------------- the paragraph number's menu

  var menu = null;
  var menuLink = null;

  function closeMenu(restoreFocus) {
    if (!menu) { return; }
    menu.remove();
    menu = null;
    if (restoreFocus && menuLink && document.contains(menuLink)) { menuLink.focus({ preventScroll: true }); }
    menuLink = null;
  }

  function openMenu(link, url) {
    closeEditor(false);
    closeMenu(false);
    var para = link.closest(".para");
    if (!para || !/^p[0-9]+$/.test(para.id)) { return; }
    var n = paraNumber(para.id);
    menuLink = link;
    menu = el("div", "pnum-menu anno-ui");
    menu.setAttribute("role", "dialog");
    menu.setAttribute("aria-label", "Paragraph " + n);
    menu.appendChild(el("p", "pnum-menu__title", "¶" + n + ": its link is copied."));
    var cite = citationText(para.id);
    var items = [
      ["Copy citation: " + cite, function () {
        var text = cite + "\n" + page.reference + "\n" + url;
        window.cstoCopy(text, "paragraph " + n, "Citation of paragraph " + n + " copied");
        closeMenu(true);
      }],
      ["Copy the link only", function () {
        window.cstoCopy(url, "paragraph " + n);
        closeMenu(true);
      }]
    ];
    if (storage) {
      items.push(["Add a note to this paragraph", function () { openEditor({ para: para.id, whole: true }, link); }]);
      items.push(["Highlight words in it…", function () { openEditor({ para: para.id, typed: true }, link); }]);
      loadAll().filter(function (a) {
        return a.article === page.slug && a.para === para.id && !a.unattached;
      }).sort(byPlace).forEach(function (a) {
        var what = isWhole(a) ? "your note on it" : "“" + shorten(a.exact, 40) + "”";
        items.push(["Edit " + what, function () { openEditor({ id: a.id }, link); }]);
      });
    }
    items.push(["Close", function () { closeMenu(true); }]);
    items.forEach(function (item) {
      menu.appendChild(button(item[0], "pnum-menu__item", item[1]));
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.stopPropagation(); closeMenu(true); return; }
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") { return; }
      var all = Array.prototype.slice.call(menu.querySelectorAll("button"));
      var i = all.indexOf(document.activeElement);
      var next = event.key === "ArrowDown" ? (i + 1) % all.length : (i - 1 + all.length) % all.length;
      all[next].focus();
      event.preventDefault();
    });
    document.body.appendChild(menu);
    placeBelow(menu, link);
    // after the jump to the paragraph, which gives the focus to the page
    var opened = menu;
    window.setTimeout(function () {
      if (menu === opened) { opened.querySelector("button").focus({ preventScroll: true }); }
    }, 0);
  }

  // ---------------------------------------------------------------- events on a page

  function onClick(event) {
    var t = event.target;
    if (menu && !menu.contains(t) && !(t.closest && t.closest("a.pnum"))) { closeMenu(false); }
    if (editor && !editor.contains(t) && !(t.closest && t.closest(".anno-ui, mark.anno-mark"))) {
      closeEditor(false);
    }
    var mark = t.closest && t.closest("mark.anno-mark");
    // A highlighted link stays a link (and keeps its preview): only plain text opens.
    if (!mark || t.closest("a") || !window.getSelection().isCollapsed) { return; }
    openEditor({ id: mark.getAttribute("data-anno") }, null);
  }

  function onKeyDown(event) {
    if (event.key !== "h" && event.key !== "H") { return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var t = event.target;
    if (t && t.closest && t.closest("input, textarea, select, [contenteditable]")) { return; }
    if (!selectionAnchor()) { return; }
    event.preventDefault();
    highlightSelection(lastColour, true);
  }

  function startArticle(header) {
    page = articleInfo(header);
    render();
    if (!storage) { return; }
    makeToolbar();
    document.addEventListener("selectionchange", onSelectionChange);
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("csto:pnum", function (event) {
      var link = event.target.closest && event.target.closest("a.pnum");
      if (link) { openMenu(link, event.detail && event.detail.url); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toolbar && !toolbar.hidden) { hideToolbar(); }
    });
    window.addEventListener("storage", function (event) {
      if (event.key === KEY && !editor) { render(); }
    });
  }

  // ------------------------------------------------ Web Annotation JSON, in and out

  var CSS_OF = {
    yellow: "#fff2a8", green: "#d4f5d4", blue: "#dbeaff", pink: "#ffdcea"
  };

  function toWebAnnotation(a) {
    var fragment = function (refined) {
      return {
        type: "FragmentSelector", conformsTo: "http://tools.ietf.org/rfc/rfc3986",
        value: a.para, refinedBy: refined
      };
    };
    var out = {
      id: a.id, type: "Annotation",
      motivation: a.note ? "commenting" : "highlighting",
      created: a.created, modified: a.modified,
      target: {
        source: {
          id: a.source || "articles/" + a.article + "/", type: "Text", format: "text/html",
          "dcterms:title": a.title || a.article,
          "dcterms:creator": a.author || "",
          "dcterms:issued": a.year || "",
          "dcterms:bibliographicCitation": a.reference || ""
        },
        styleClass: (a.whole ? "csto-paragraph-" : "csto-highlight-") + a.colour,
        selector: [
          fragment({ type: "TextQuoteSelector", exact: a.exact, prefix: a.prefix, suffix: a.suffix }),
          fragment({ type: "TextPositionSelector", start: a.start, end: a.end })
        ]
      }
    };
    if (a.note) {
      out.body = { type: "TextualBody", value: a.note, format: "text/plain", purpose: "commenting" };
    }
    if (a.unattached) { out["csto:unattached"] = true; }
    return out;
  }

  function collection(list) {
    var css = COLOURS.map(function (c) {
      return ".csto-highlight-" + c[0] + ", .csto-paragraph-" + c[0] + " { background-color: " + CSS_OF[c[0]] + " }";
    }).join("\n");
    return {
      "@context": "http://www.w3.org/ns/anno.jsonld",
      id: "urn:csto-reader:my-notes",
      type: "AnnotationCollection",
      label: "My notes from The CSTO Reader",
      total: list.length,
      first: {
        type: "AnnotationPage",
        items: list.map(function (a) {
          var w = toWebAnnotation(a);
          w.stylesheet = { type: "CssStylesheet", value: css };
          return w;
        })
      }
    };
  }

  function selectorOf(target, type) {
    var found = null;
    [].concat(target.selector || []).forEach(function (s) {
      if (!s || typeof s !== "object") { return; }
      var inner = s.refinedBy && s.refinedBy.type === type ? s.refinedBy : (s.type === type ? s : null);
      if (inner && !found) {
        found = inner;
        found.para = s.type === "FragmentSelector" ? s.value : null;
      }
    });
    return found;
  }

  function fromWebAnnotation(w) {
    if (!w || typeof w !== "object" || !w.target || typeof w.target !== "object") { return null; }
    var t = w.target;
    var src = typeof t.source === "string" ? { id: t.source } : (t.source || {});
    var slug = /(?:^|\/)articles\/([a-z0-9][a-z0-9-]*)/.exec(String(src.id || ""));
    var quote = selectorOf(t, "TextQuoteSelector");
    var position = selectorOf(t, "TextPositionSelector");
    if (!slug || !quote || typeof quote.exact !== "string") { return null; }
    var style = /^csto-(paragraph|highlight)-(\w+)$/.exec(String(t.styleClass || "")) || [];
    var body = [].concat(w.body || []).filter(function (b) { return b && b.type === "TextualBody"; })[0];
    var start = position && typeof position.start === "number" ? position.start : 0;
    var a = {
      id: typeof w.id === "string" ? w.id : newId(),
      created: String(w.created || now()), modified: String(w.modified || w.created || now()),
      article: slug[1], para: quote.para || (position && position.para) || "",
      start: start, end: start + quote.exact.length, exact: quote.exact,
      prefix: typeof quote.prefix === "string" ? quote.prefix : "",
      suffix: typeof quote.suffix === "string" ? quote.suffix : "",
      whole: style[1] === "paragraph",
      colour: COLOUR_NAMES.hasOwnProperty(style[2]) ? style[2] : "yellow",
      note: body && typeof body.value === "string" ? body.value : "",
      unattached: w["csto:unattached"] === true,
      title: String(src["dcterms:title"] || slug[1]),
      author: String(src["dcterms:creator"] || ""),
      year: String(src["dcterms:issued"] || ""),
      reference: String(src["dcterms:bibliographicCitation"] || ""),
      source: String(src.id)
    };
    return valid(a) ? a : null;
  }

  function importJson(text) {
    var data;
    try { data = JSON.parse(text); } catch (e) { return { error: "This file is not JSON." }; }
    var items = Array.isArray(data) ? data
      : data && data.type === "AnnotationCollection" && data.first ? [].concat(data.first.items || [])
        : data && data.type === "AnnotationPage" ? [].concat(data.items || [])
          : [data];
    var list = loadAll();
    var byId = {};
    list.forEach(function (a, i) { byId[a.id] = i; });
    var added = 0, kept = 0, skipped = 0;
    items.forEach(function (w) {
      var a = fromWebAnnotation(w);
      if (!a) { skipped++; return; }
      if (byId.hasOwnProperty(a.id)) {
        var old = list[byId[a.id]];
        if (a.modified > old.modified) { list[byId[a.id]] = a; added++; } else { kept++; }
      } else {
        byId[a.id] = list.length;
        list.push(a);
        added++;
      }
    });
    if (added && !saveAll(list)) { return { error: "Your browser refused to store them." }; }
    return { added: added, kept: kept, skipped: skipped };
  }

  // ----------------------------------------------------------------- the My notes page

  /* The articles in reading order, as the navigation lists them: slug -> {order, href}. */
  function readingOrder() {
    var order = {};
    var n = 0;
    document.querySelectorAll(".md-nav--primary a.md-nav__link[href]").forEach(function (a) {
      var m = /(?:^|\/)articles\/([a-z0-9][a-z0-9-]*?)(?:\.html|\/(?:index\.html)?)?$/.exec(a.getAttribute("href"));
      if (m && !order.hasOwnProperty(m[1])) { order[m[1]] = { order: n++, href: a.getAttribute("href") }; }
    });
    return order;
  }

  function articleHref(order, slug) {
    return order[slug] ? order[slug].href : siteBase() + "articles/" + slug + "/";
  }

  function sortedForReading(list, order) {
    var rank = function (a) { return order[a.article] ? order[a.article].order : 1e6; };
    return list.slice().sort(function (a, b) {
      return rank(a) - rank(b) || (a.article < b.article ? -1 : a.article > b.article ? 1 : byPlace(a, b));
    });
  }

  function shortCite(a) {
    return (a.author || a.title || a.article) + " (" + (a.year || "n.d.") + ", ¶" + paraNumber(a.para) + ")";
  }

  function absolute(href) {
    try { return new URL(href, window.location.href).href; } catch (e) { return href; }
  }

  function markdownExport(list, order) {
    var out = ["# My notes from The CSTO Reader", "",
      "Exported " + now().slice(0, 10) + ". Kept in the browser only; this file is yours.", ""];
    var current = null;
    sortedForReading(list, order).forEach(function (a) {
      if (a.article !== current) {
        current = a.article;
        out.push("## " + (a.title || a.article), "");
        if (a.reference) { out.push(a.reference, ""); }
      }
      var link = absolute(articleHref(order, a.article) + "#" + a.para);
      var kind = a.whole ? "Note on the paragraph" : "Highlight (" + COLOUR_NAMES[a.colour].toLowerCase() + ")";
      out.push("### ¶" + paraNumber(a.para) + ": " + kind + (a.unattached ? " (not placed in this edition)" : ""), "");
      if (!a.whole) { out.push("> " + squash(a.exact), ""); }
      if (a.note) { out.push(a.note.replace(/\r\n?/g, "\n"), ""); }
      out.push("Source: " + shortCite(a) + ", <" + link + ">. " + (a.reference || a.title || ""), "");
    });
    return out.join("\n");
  }

  function download(name, type, text) {
    var blob = new Blob([text], { type: type });
    var link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  function notesList(root, status) {
    var box = root.querySelector(".my-notes__list");
    box.textContent = "";
    var list = loadAll();
    var order = readingOrder();
    if (!list.length) {
      box.appendChild(el("p", "my-notes__empty", "No highlights or notes yet. Open an article, " +
        "select a passage and choose a colour, or click a paragraph number to note the paragraph."));
      return;
    }
    var current = null;
    var ul = null;
    sortedForReading(list, order).forEach(function (a) {
      if (a.article !== current) {
        current = a.article;
        var h = el("h2", "my-notes__article");
        var link = el("a", null, a.title || a.article);
        link.href = articleHref(order, a.article);
        h.appendChild(link);
        box.appendChild(h);
        if (a.reference) { box.appendChild(el("p", "my-notes__reference", a.reference)); }
        ul = el("ul", "my-notes__items");
        box.appendChild(ul);
      }
      ul.appendChild(noteItem(a, order, root, status));
    });
  }

  function noteItem(a, order, root, status) {
    var li = el("li", "anno-note anno-note--" + a.colour + " my-notes__item");
    var where = el("a", "my-notes__where", "¶" + paraNumber(a.para));
    where.href = articleHref(order, a.article) + "#" + a.para;
    li.appendChild(where);
    li.appendChild(el("span", "my-notes__kind", a.whole ? " note on the paragraph" :
      " " + COLOUR_NAMES[a.colour].toLowerCase() + " highlight"));
    if (a.unattached) {
      li.appendChild(el("span", "my-notes__lost", " not placed: its text changed; open the article to place it"));
    }
    if (!a.whole) { li.appendChild(el("blockquote", "my-notes__quote", a.exact)); }
    if (a.note) { li.appendChild(el("p", "my-notes__note", a.note)); }
    li.appendChild(el("p", "my-notes__cite", shortCite(a)));
    var del = button("Delete", "anno-button anno-button--small my-notes__delete", function () {
      remove(a.id);
      notesList(root, status);
      status.textContent = "Deleted.";
    });
    del.setAttribute("aria-label", "Delete this " + (a.whole ? "note on ¶" : "highlight in ¶") + paraNumber(a.para));
    li.appendChild(del);
    return li;
  }

  function startMyNotes(root) {
    root.textContent = "";
    var status = el("p", "my-notes__status");
    status.setAttribute("role", "status");
    if (!storage) {
      root.appendChild(el("p", "my-notes__empty", "This browser does not let the reader keep " +
        "notes (its storage is switched off for this page)."));
      return;
    }
    var controls = el("div", "my-notes__controls anno-ui");
    controls.appendChild(button("Export as Markdown", "anno-button", function () {
      download("my-notes.md", "text/markdown;charset=utf-8", markdownExport(loadAll(), readingOrder()));
      status.textContent = "Exported as my-notes.md.";
    }));
    controls.appendChild(button("Export as Web Annotation JSON", "anno-button", function () {
      var json = JSON.stringify(collection(sortedForReading(loadAll(), readingOrder())), null, 2);
      download("my-notes.jsonld", "application/ld+json;charset=utf-8", json);
      status.textContent = "Exported as my-notes.jsonld.";
    }));
    var label = el("label", "anno-button my-notes__import", "Import Web Annotation JSON…");
    var file = el("input");
    file.type = "file";
    file.accept = ".json,.jsonld,application/json,application/ld+json";
    file.className = "my-notes__file";
    label.appendChild(file);
    file.addEventListener("change", function () {
      if (!file.files || !file.files[0]) { return; }
      var reader = new FileReader();
      reader.onload = function () {
        var r = importJson(String(reader.result));
        status.textContent = r.error ? "Nothing imported: " + r.error :
          "Imported " + r.added + (r.added === 1 ? " annotation" : " annotations") +
          (r.kept ? "; " + r.kept + " already here" : "") +
          (r.skipped ? "; " + r.skipped + " not readable, left out" : "") + ".";
        file.value = "";
        notesList(root, status);
      };
      reader.readAsText(file.files[0]);
    });
    controls.appendChild(label);
    controls.appendChild(button("Print", "anno-button", function () { window.print(); }));
    var clear = button("Delete all", "anno-button", function () {
      if (clear.getAttribute("data-armed") !== "yes") {
        clear.setAttribute("data-armed", "yes");
        clear.textContent = "Press again to delete all " + loadAll().length;
        return;
      }
      saveAll([]);
      clear.removeAttribute("data-armed");
      clear.textContent = "Delete all";
      notesList(root, status);
      status.textContent = "All your highlights and notes were deleted.";
    });
    controls.appendChild(clear);
    root.appendChild(controls);
    root.appendChild(status);
    root.appendChild(settingsBox());
    root.appendChild(el("div", "my-notes__list"));
    notesList(root, status);
    window.addEventListener("storage", function (event) {
      if (event.key === KEY) { notesList(root, status); }
    });
  }

  // -------------------------------------------------------------------------- start

  applySettings();
  var header = document.querySelector(".md-content .article-header[data-article]");
  if (header) { startArticle(header); }
  var notesRoot = document.getElementById("my-notes-list");
  if (notesRoot) { startMyNotes(notesRoot); }
})();
