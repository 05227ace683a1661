// Client-side search over the briefings. The index is many small scripts under search/ that
// this page loads only when a reader searches, each handing its data to quarterlySearch, so
// search works from disk (where a page may not fetch files) and offline. A query's shards of
// terms are loaded (a token lives in shard FNV-1a(token) mod 256), every word must match a
// whole word, and the newest matches are shown ten at a time with their blocks of titles.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  var input = document.getElementById("search-query");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var more = document.getElementById("search-more");
  if (!form || !input || !list || !status || !more || !window.Promise || !window.TextEncoder) return;
  var base = form.getAttribute("data-index") || "search/";
  var root = form.getAttribute("data-root") || "";
  var shards = +form.getAttribute("data-shards") || 256;
  var block = +form.getAttribute("data-block") || 32;
  var PAGE = 10;
  // What the status line says, in the page's language (the site's catalogue of UI strings);
  // `{count}` is filled in.
  function phrase(name, fallback, n) {
    var text = form.getAttribute("data-" + name) || fallback;
    return n === undefined ? text : text.split("{count}").join(String(n));
  }
  // Letters written without spaces (Han, kana, Hangul), as src/render/search.rs lists them.
  var CJK = "\u3005\u3006\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf" +
    "\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\u{20000}-\u{3134f}";
  var token;
  try {
    token = new RegExp("([" + CJK + "]+)|\\p{N}+(?:\\.\\p{N}+)*|(?:(?![" + CJK + "])[\\p{Alphabetic}\\p{N}])+", "gu");
  } catch (e) { return; }

  // A query's tokens, as the index cut the briefings: a CJK run is looked up by its pairs.
  function terms(query) {
    var out = [];
    function add(t) { if (out.indexOf(t) < 0) out.push(t); }
    var folded = query.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().normalize("NFC");
    folded.replace(token, function (t, run) {
      var c = Array.from(run || "");
      if (c.length < 2) add(t);
      for (var i = 0; i + 1 < c.length; i++) add(c[i] + c[i + 1]);
      return "";
    });
    return out;
  }

  function shardOf(t) {
    var h = 0x811c9dc5, bytes = new TextEncoder().encode(t);
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    return (h >>> 0) % shards;
  }

  // Each file of the index, loaded once by a script element; a failed one may be tried again.
  var loaded = {}, pending = {};
  window.quarterlySearch = function (kind, n, data) { loaded[kind + n] = data; };
  function load(kind, n) {
    var key = kind + n;
    if (!pending[key]) {
      pending[key] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        function fail() { delete pending[key]; s.remove(); reject(new Error(s.src)); }
        s.onload = function () { if (key in loaded) resolve(loaded[key]); else fail(); };
        s.onerror = fail;
        s.src = base + (kind === "t" ? "t-" + ("0" + n.toString(16)).slice(-2) : "d-" + n) + ".js";
        document.head.appendChild(s);
      });
    }
    return pending[key];
  }

  // Postings (see src/render/search.rs): "~" and a bitmap, six ids a digit; or numbers in
  // base 32, every digit but the last raised by 32: gaps from the id before (the first from
  // -1), a gap of 0 followed by a count of ids right after the one before.
  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  function ids(text) {
    var out = [], numbers = [], n = 0, previous = -1, bitmap = text.charAt(0) === "~", i, j, v;
    for (i = bitmap ? 1 : 0; i < text.length; i++) {
      v = DIGITS.indexOf(text.charAt(i));
      if (bitmap) {
        for (j = 0; j < 6; j++) if (v >> j & 1) out.push(6 * (i - 1) + j);
      } else if (v >= 32) n = n * 32 + v - 32;
      else { numbers.push(n * 32 + v); n = 0; }
    }
    for (i = 0; i < numbers.length; i++) {
      if (numbers[i]) out.push(previous += numbers[i]);
      else for (v = numbers[++i]; v > 0; v--) out.push(++previous);
    }
    return out;
  }

  var seq = 0, last = null, hits = [], shown = 0;

  function say(text) { status.textContent = text; }
  function busy(on) { if (on) list.setAttribute("aria-busy", "true"); else list.removeAttribute("aria-busy"); }
  function broken(my) {
    if (my !== seq) return;
    last = null;
    busy(false);
    say(phrase("failed", "Part of the search index could not be loaded. Try again, or browse from the home page."));
  }

  function count() {
    var n = hits.length;
    if (!n) return phrase("none", "No briefing has every word you searched for.");
    var text = n === 1 ? phrase("one", "1 briefing matches.", n) : phrase("many", "{count} briefings match, newest first.", n);
    return shown < n ? text + phrase("showing", " Showing {count}.", shown) : text;
  }

  // Shows the next results, loading the blocks that describe them.
  function page(my) {
    var next = hits.slice(shown, shown + PAGE), blocks = [];
    next.forEach(function (id) {
      var b = Math.floor(id / block);
      if (blocks.indexOf(b) < 0) blocks.push(b);
    });
    busy(true);
    return Promise.all(blocks.map(function (b) { return load("d", b); })).then(function (data) {
      if (my !== seq) return;
      next.forEach(function (id) {
        var rows = data[blocks.indexOf(Math.floor(id / block))];
        var d = Array.isArray(rows) && rows[id % block];
        if (!Array.isArray(d)) return;
        var li = document.createElement("li"), a = document.createElement("a"), p = document.createElement("p");
        a.href = root + d[2];
        a.textContent = d[0];
        p.textContent = d[1] + " · " + d[3];
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
      shown += next.length;
      more.hidden = shown >= hits.length;
      busy(false);
      say(count());
    });
  }

  function run() {
    var words = terms(input.value), key = words.join(" ");
    if (key === last) return;
    last = key;
    var my = ++seq;
    list.textContent = "";
    more.hidden = true;
    hits = [];
    shown = 0;
    if (!words.length) { busy(false); say(""); return; }
    busy(true);
    say(phrase("searching", "Searching…"));
    Promise.all(words.map(function (w) { return load("t", shardOf(w)); })).then(function (maps) {
      if (my !== seq) return;
      var lists = words.map(function (w, i) {
        var m = maps[i];
        return m && Object.prototype.hasOwnProperty.call(m, w) ? ids(String(m[w])) : [];
      }).sort(function (a, b) { return a.length - b.length; });
      var sets = lists.slice(1).map(function (l) { return new Set(l); });
      hits = lists[0].filter(function (id) {
        return sets.every(function (s) { return s.has(id); });
      }).reverse();
      return page(my);
    }).catch(function () { broken(my); });
  }

  more.addEventListener("click", function () {
    var my = seq, from = shown;
    page(my).then(function () {
      var link = list.querySelectorAll("li a")[from];
      if (link && my === seq) link.focus();
    }).catch(function () { broken(my); });
  });
  var timer;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 300); });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
  form.hidden = false;
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; run(); }
})();
