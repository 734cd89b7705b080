// Reviewer workbench: evidence viewer, keyboard shortcuts. Document text is only ever read from the
// DOM as text (textContent / dataset), never written back as HTML.
(function () {
  "use strict";
  var checks = Array.prototype.slice.call(document.querySelectorAll("article.check"));
  var img = document.getElementById("page-img");
  var hl = document.getElementById("hl");
  var stage = document.getElementById("stage");
  var scroller = document.getElementById("scroller");
  var current = -1, evIndex = 0, zoom = 1;

  document.querySelectorAll("form.js-reviewer").forEach(function (f) {
    f.addEventListener("submit", function () {
      var who = document.getElementById("reviewer");
      var field = f.querySelector("input[name=reviewer]");
      if (who && field) field.value = who.value;
    });
  });
  if (!img) return;

  function evidence() {
    if (current < 0) return [];
    return Array.prototype.slice.call(checks[current].querySelectorAll("ol.evidence li[data-bbox]"));
  }

  function place() {
    var items = evidence(), li = items[evIndex];
    if (!li) { hl.hidden = true; return; }
    var b = (li.dataset.bbox || "").split(",").map(Number);
    if (b.length !== 4 || b.some(isNaN)) { hl.hidden = true; return; }
    hl.style.left = (b[0] * 100) + "%";
    hl.style.top = (b[1] * 100) + "%";
    hl.style.width = Math.max((b[2] - b[0]) * 100, 0.5) + "%";
    hl.style.height = Math.max((b[3] - b[1]) * 100, 0.5) + "%";
    hl.hidden = false;
    if (img.complete && img.naturalWidth) {
      scroller.scrollTop = Math.max(0, hl.offsetTop - scroller.clientHeight / 3);
      scroller.scrollLeft = Math.max(0, hl.offsetLeft - scroller.clientWidth / 4);
    }
  }

  function showEvidence(k) {
    var items = evidence();
    var missing = document.getElementById("ev-missing");
    document.getElementById("ev-pos").textContent = items.length ? (k + 1) + " / " + items.length : "无证据";
    items.forEach(function (li, j) { li.classList.toggle("current", j === k); });
    var li = items[k];
    missing.hidden = true;
    if (!li) {
      img.removeAttribute("src"); hl.hidden = true;
      document.getElementById("ev-where").textContent = "";
      document.getElementById("ev-text").textContent = "";
      return;
    }
    evIndex = k;
    document.getElementById("ev-where").textContent = li.dataset.where || "";
    var read = li.querySelector(".read");
    document.getElementById("ev-text").textContent = read ? read.textContent : "";
    hl.hidden = true;
    if (li.dataset.src) {
      if (img.getAttribute("src") !== li.dataset.src) img.setAttribute("src", li.dataset.src);
      else place();
    } else {
      img.removeAttribute("src");
      missing.textContent = "该证据没有页面图像";
      missing.hidden = false;
    }
  }

  img.addEventListener("load", function () { img.classList.remove("broken"); place(); });
  img.addEventListener("error", function () {
    var missing = document.getElementById("ev-missing");
    img.classList.add("broken"); hl.hidden = true;
    missing.textContent = "页面图像无法显示（原件不可用或已变更）";
    missing.hidden = false;
  });

  function select(i, scroll) {
    if (i < 0 || i >= checks.length) return;
    if (current >= 0) checks[current].classList.remove("selected");
    current = i;
    checks[i].classList.add("selected");
    if (scroll) checks[i].scrollIntoView({block: "nearest"});
    showEvidence(0);
    if (history.replaceState) history.replaceState(null, "", "#check-" + i);
  }

  function setZoom(z) {
    zoom = Math.min(4, Math.max(1, z));
    stage.style.width = (zoom * 100) + "%";
    place();
  }

  checks.forEach(function (c, i) {
    c.addEventListener("click", function (ev) {
      if (ev.target.closest("form")) return;
      var li = ev.target.closest("ol.evidence li[data-bbox]");
      if (current !== i) select(i, false);
      if (li) showEvidence(evidence().indexOf(li));
    });
  });
  document.getElementById("ev-next").addEventListener("click", function () { showEvidence(Math.min(evIndex + 1, evidence().length - 1)); });
  document.getElementById("ev-prev").addEventListener("click", function () { showEvidence(Math.max(evIndex - 1, 0)); });
  document.getElementById("zoom-in").addEventListener("click", function () { setZoom(zoom * 1.5); });
  document.getElementById("zoom-out").addEventListener("click", function () { setZoom(zoom / 1.5); });

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    if (ev.key === "j") { select(current + 1, true); ev.preventDefault(); }
    else if (ev.key === "k") { select(Math.max(current - 1, 0), true); ev.preventDefault(); }
    else if (ev.key === "n") { showEvidence(Math.min(evIndex + 1, evidence().length - 1)); }
    else if (ev.key === "p") { showEvidence(Math.max(evIndex - 1, 0)); }
    else if (ev.key === "c" && current >= 0) {
      var b = checks[current].querySelector("form.confirm-form button");
      if (b && !b.disabled) { b.form.requestSubmit ? b.form.requestSubmit() : b.form.submit(); ev.preventDefault(); }
    }
  });

  var m = /^#check-(\d+)$/.exec(location.hash);
  var first = checks.findIndex(function (c) { return c.classList.contains("open"); });
  select(m ? Number(m[1]) : Math.max(first, 0), true);
})();
