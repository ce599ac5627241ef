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
    return ok;
  }

  function copy(text, what) {
    var done = function () { confirm("Link to " + what + " copied"); };
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
  });
})();
