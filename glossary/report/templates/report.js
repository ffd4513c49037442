(function () {
  "use strict";
  // Every piece of user text goes through textContent: nothing from the data is parsed as HTML.
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var segs = data.segments;
  var $ = function (id) { return document.getElementById(id); };
  var hasQuality = segs.some(function (s) { return s.q; });
  var firstSort = hasQuality ? "quality" : "file";
  var state = { kind: "*issues", term: "", file: "", text: "", sort: firstSort, size: 100,
                page: 0, ids: null, idsLabel: "" };

  segs.forEach(function (s) {
    s.kinds = s.i.map(function (i) { return i[0]; });
    s.hay = (join(s.s) + "\n" + join(s.t)).toLowerCase();
    s.terms = s.k.map(String);
  });
  if (!segs.some(function (s) { return s.i.length; }) || hasQuality) { state.kind = "*all"; $("f-kind").value = "*all"; }
  $("f-sort").value = firstSort;

  function join(runs) { return runs.map(function (r) { return r[0]; }).join(""); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function sentence(runs) {
    var p = el("p");
    runs.forEach(function (r) {
      if (r.length > 1 && r[1]) {
        var m = el("mark", r[1], r[0]);
        m.title = r[2] || "";
        p.appendChild(m);
      } else {
        p.appendChild(document.createTextNode(r[0]));
      }
    });
    return p;
  }

  function passes(s, skipKind) {
    if (state.ids && !state.ids.has(s.id)) { return false; }
    if (state.file !== "" && String(s.f) !== state.file) { return false; }
    if (state.term !== "" && s.terms.indexOf(state.term) < 0) { return false; }
    if (state.text && s.hay.indexOf(state.text) < 0) { return false; }
    if (skipKind) { return true; }
    return kindPasses(s, state.kind);
  }

  function kindPasses(s, kind) {
    if (kind === "*all") { return true; }
    if (kind === "*issues") { return s.i.length > 0; }
    if (kind === "*clean") { return s.i.length === 0; }
    return s.kinds.indexOf(kind) >= 0;
  }

  function score(s) { return s.q ? s.q[0] : 101; }

  function sorted(list) {
    if (state.sort === "quality") {     // post-edit first: the lowest estimate on top
      return list.slice().sort(function (a, b) { return score(a) - score(b) || b.v - a.v || a.id - b.id; });
    }
    if (state.sort === "severity") {
      return list.slice().sort(function (a, b) { return b.v - a.v || b.i.length - a.i.length || a.id - b.id; });
    }
    if (state.sort === "issues") {
      return list.slice().sort(function (a, b) { return b.i.length - a.i.length || b.v - a.v || a.id - b.id; });
    }
    return list;
  }

  function updateKindCounts(base) {
    var counts = {};
    var issues = 0;
    base.forEach(function (s) {
      s.kinds.forEach(function (k) { counts[k] = (counts[k] || 0) + 1; });
      issues += s.i.length;
    });
    Array.prototype.forEach.call($("f-kind").options, function (opt) {
      var label = opt.dataset.label || opt.textContent;
      opt.dataset.label = label;
      var n;
      if (opt.value === "*all") { n = base.length; }
      else if (opt.value === "*issues") { n = base.filter(function (s) { return s.i.length; }).length; }
      else if (opt.value === "*clean") { n = base.filter(function (s) { return !s.i.length; }).length; }
      else { n = counts[opt.value] || 0; }
      opt.textContent = label + " (" + n + ")";
    });
    return issues;
  }

  function render() {
    var base = segs.filter(function (s) { return passes(s, true); });
    updateKindCounts(base);
    var shown = sorted(base.filter(function (s) { return kindPasses(s, state.kind); }));
    var size = state.size || shown.length || 1;
    var pages = Math.max(1, Math.ceil(shown.length / size));
    state.page = Math.min(state.page, pages - 1);
    var first = state.page * size;
    var slice = shown.slice(first, first + size);
    var list = $("segment-list");
    var frag = document.createDocumentFragment();
    var lastFile = null;
    slice.forEach(function (s) {
      if (state.sort === "file" && s.f !== lastFile) {   // per-file grouping in file order
        var head = el("li", "file-head");
        head.appendChild(el("h3", "", data.files[s.f]));
        frag.appendChild(head);
        lastFile = s.f;
      }
      frag.appendChild(segmentItem(s));
    });
    list.replaceChildren(frag);
    var issues = shown.reduce(function (n, s) { return n + s.i.length; }, 0);
    $("status").textContent = shown.length + " of " + segs.length + " segments match, with " +
      issues + " issue" + (issues === 1 ? "" : "s") +
      (shown.length ? "; showing " + (first + 1) + "–" + (first + slice.length) : "");
    $("p-info").textContent = "page " + (state.page + 1) + " of " + pages;
    $("p-prev").disabled = state.page === 0;
    $("p-next").disabled = state.page >= pages - 1;
    var chip = $("f-ids");
    chip.hidden = !state.ids;
    chip.querySelector("span").textContent = state.ids ? "Only segments where " + state.idsLabel + "." : "";
  }

  function segmentItem(s) {
    var li = el("li", "seg sev-" + s.v);
    li.dataset.id = s.id;
    var where = el("div", "where", data.files[s.f] + ":" + s.l);
    if (s.q) {
      var badge = el("span", "qual " + s.q[1], s.q[1] + " " + s.q[0]);
      badge.title = "estimated quality" + (s.q[2].length ? " (" + s.q[2].join(", ") + ")" : "");
      where.appendChild(document.createTextNode(" "));
      where.appendChild(badge);
    }
    li.appendChild(where);
    var pair = el("div", "pair");
    var src = el("div");
    src.appendChild(el("div", "label", "source"));
    src.appendChild(sentence(s.s));
    var tgt = el("div");
    tgt.lang = "vi";
    tgt.appendChild(el("div", "label", "translation"));
    tgt.appendChild(sentence(s.t));
    pair.appendChild(src);
    pair.appendChild(tgt);
    li.appendChild(pair);
    if (s.i.length) {
      var ul = el("ul", "issues");
      s.i.forEach(function (i) {
        var item = el("li");
        item.appendChild(el("span", "sev " + i[1], i[1]));
        item.appendChild(el("span", "kind", i[0]));
        item.appendChild(document.createTextNode(i[2]));
        ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    return li;
  }

  function set(key, value) {
    state[key] = value;
    state.page = 0;
    render();
  }

  function goToSegments() {
    var section = $("segments");
    section.scrollIntoView();
    section.focus({ preventScroll: true });
  }

  $("f-kind").addEventListener("change", function (e) { set("kind", e.target.value); });
  $("f-term").addEventListener("change", function (e) { set("term", e.target.value); });
  $("f-file").addEventListener("change", function (e) { set("file", e.target.value); });
  $("f-sort").addEventListener("change", function (e) { set("sort", e.target.value); });
  $("f-size").addEventListener("change", function (e) { set("size", parseInt(e.target.value, 10)); });
  $("f-text").addEventListener("input", function (e) { set("text", e.target.value.trim().toLowerCase()); });
  $("p-prev").addEventListener("click", function () { state.page -= 1; render(); goToSegments(); });
  $("p-next").addEventListener("click", function () { state.page += 1; render(); goToSegments(); });
  $("f-ids-clear").addEventListener("click", function () { state.ids = null; render(); });
  $("f-reset").addEventListener("click", function () {
    ["f-term", "f-file", "f-text"].forEach(function (id) { $(id).value = ""; });
    $("f-kind").value = "*all";
    $("f-sort").value = firstSort;
    Object.assign(state, { kind: "*all", term: "", file: "", text: "", sort: firstSort, ids: null, page: 0 });
    render();
  });

  document.addEventListener("click", function (e) {
    var target = e.target.closest ? e.target.closest("button") : null;
    if (!target) { return; }
    if (target.dataset.filterKind !== undefined) {
      $("f-kind").value = target.dataset.filterKind;
      set("kind", target.dataset.filterKind);
      goToSegments();
    } else if (target.dataset.filterTerm !== undefined) {
      $("f-term").value = target.dataset.filterTerm;
      $("f-kind").value = "*all";
      Object.assign(state, { kind: "*all", ids: null });
      set("term", target.dataset.filterTerm);
      goToSegments();
    } else if (target.dataset.filterFile !== undefined) {
      $("f-file").value = target.dataset.filterFile;
      set("file", target.dataset.filterFile);
      goToSegments();
    } else if (target.dataset.ids !== undefined) {
      state.ids = new Set(target.dataset.ids.split(" ").filter(Boolean).map(Number));
      state.idsLabel = target.dataset.label;
      $("f-kind").value = "*all";
      state.kind = "*all";
      set("page", 0);
      goToSegments();
    } else if (target.dataset.sort !== undefined) {
      sortTable(target);
    }
  });

  function sortTable(button) {
    var th = button.closest("th");
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = button.dataset.sort === "num";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].dataset.value, y = b.cells[index].dataset.value;
      var c = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, "vi");
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  window.addEventListener("beforeprint", function () {
    // Print every matching segment, not only the current page.
    state.printSize = state.size;
    state.size = 0;
    render();
  });
  window.addEventListener("afterprint", function () {
    state.size = state.printSize;
    render();
  });

  render();
}());
