// Client-side search over the briefings. The index is JSON in the page itself, so search
// works from disk and offline; without JavaScript the page lists every briefing instead.
(function () {
  "use strict";
  var data = document.getElementById("search-index");
  var form = document.querySelector("form.search");
  var input = document.getElementById("search-query");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!data || !form || !input || !list || !status) return;
  var entries;
  try { entries = JSON.parse(data.textContent); } catch (e) { return; }
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  function norm(s) { return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, ""); }
  entries.forEach(function (e) {
    e.h = norm(e.t + " " + e.p); e.b = norm(e.s + " " + e.x);
  });

  function snippet(text, term) {
    var i = norm(text).indexOf(term);
    if (i < 0) return "";
    var start = Math.max(0, i - 60), end = Math.min(text.length, i + term.length + 90);
    return (start > 0 ? "…" : "") + text.slice(start, end).trim() + (end < text.length ? "…" : "");
  }

  function item(e, terms) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = e.u; a.textContent = e.t;
    var p = document.createElement("p");
    p.textContent = (terms.length && snippet(e.x, terms[0])) || e.s;
    li.appendChild(a); li.appendChild(p);
    return li;
  }

  function run() {
    var terms = norm(input.value).split(/\s+/).filter(Boolean);
    var hits = entries
      .map(function (e) {
        var score = 0;
        for (var i = 0; i < terms.length; i++) {
          var inHead = e.h.indexOf(terms[i]) >= 0, inBody = e.b.indexOf(terms[i]) >= 0;
          if (!inHead && !inBody) return null;
          score += inHead ? 3 : 1;
        }
        return { e: e, score: score };
      })
      .filter(Boolean)
      .sort(function (a, b) { return b.score - a.score; });
    list.textContent = "";
    hits.forEach(function (h) { list.appendChild(item(h.e, terms)); });
    status.textContent = terms.length
      ? hits.length + (hits.length === 1 ? " briefing matches." : " briefings match.")
      : "Every briefing, newest first.";
  }
  input.addEventListener("input", run);
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; run(); }
})();
