// Progressive enhancement for the timeline page: filters, search, order, keyboard.
// Everything is readable without this script; it only hides and reorders.
(function () {
  "use strict";
  var timeline = document.getElementById("timeline");
  var controls = document.getElementById("controls");
  if (!timeline || !controls) { return; }
  var events = Array.prototype.slice.call(timeline.querySelectorAll("li.event"));
  if (!events.length) { return; }

  function values(attr) {
    var seen = {};
    events.forEach(function (li) {
      (li.getAttribute(attr) || "").split("|").forEach(function (v) { if (v) { seen[v] = (seen[v] || 0) + 1; } });
    });
    return Object.keys(seen).sort(function (a, b) { return seen[b] - seen[a] || a.localeCompare(b); });
  }
  function field(labelText, element) {
    var label = document.createElement("label");
    label.appendChild(document.createTextNode(labelText));
    label.appendChild(element);
    controls.appendChild(label);
    return element;
  }
  function select(labelText, options, all) {
    var el = document.createElement("select");
    var first = document.createElement("option");
    first.value = ""; first.textContent = all; el.appendChild(first);
    options.forEach(function (v) {
      var o = document.createElement("option"); o.value = v; o.textContent = v; el.appendChild(o);
    });
    return field(labelText, el);
  }
  var search = document.createElement("input");
  search.type = "search"; search.placeholder = "Words in titles and quotes";
  field("Search", search);
  var source = select("Source", values("data-sources"), "All sources");
  var actor = select("Name", values("data-actors").slice(0, 60), "All names");
  var year = select("Year", values("data-year").sort(), "All years");
  var keyOnly = document.createElement("input");
  keyOnly.type = "checkbox";
  var keyMin = parseInt(controls.getAttribute("data-key-sources") || "2", 10);
  var keyLabel = document.createElement("label");
  keyLabel.className = "check";
  keyLabel.appendChild(keyOnly);
  keyLabel.appendChild(document.createTextNode("Key events only (" + keyMin + "+ sources)"));
  controls.appendChild(keyLabel);
  var order = document.createElement("button");
  order.type = "button"; order.textContent = "Newest first";
  order.className = "order";
  order.setAttribute("aria-pressed", "false");
  controls.appendChild(order);
  var status = document.createElement("p");
  status.className = "status"; status.setAttribute("role", "status"); status.setAttribute("aria-live", "polite");
  controls.appendChild(status);
  controls.hidden = false;

  var text = events.map(function (li) { return li.textContent.toLowerCase(); });
  function apply() {
    var q = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    events.forEach(function (li, i) {
      var ok = q.every(function (w) { return text[i].indexOf(w) >= 0; });
      if (ok && source.value) { ok = ("|" + li.getAttribute("data-sources") + "|").indexOf("|" + source.value + "|") >= 0; }
      if (ok && actor.value) { ok = ("|" + li.getAttribute("data-actors") + "|").indexOf("|" + actor.value + "|") >= 0; }
      if (ok && year.value) { ok = li.getAttribute("data-year") === year.value; }
      if (ok && keyOnly.checked) { ok = parseInt(li.getAttribute("data-salience") || "0", 10) >= keyMin; }
      li.hidden = !ok;
      if (ok) { shown += 1; }
    });
    Array.prototype.forEach.call(timeline.querySelectorAll("section.period, section.year"), function (sec) {
      sec.hidden = !sec.querySelector("li.event:not([hidden])");
    });
    status.textContent = shown === events.length ? events.length + " events. Keys: j and k move between events, / searches."
      : shown === 0 ? "No event matches. Clear a filter or the search."
      : shown + " of " + events.length + " events shown";
  }
  function reverse(node, selector) {
    var kids = Array.prototype.slice.call(node.children).filter(function (c) { return c.matches(selector); });
    kids.reverse().forEach(function (c) { node.appendChild(c); });
  }
  order.addEventListener("click", function () {
    reverse(timeline, "section.year");
    Array.prototype.forEach.call(timeline.querySelectorAll("section.year"), function (y) { reverse(y, "section.period"); });
    Array.prototype.forEach.call(timeline.querySelectorAll("ol.events"), function (ol) { reverse(ol, "li.event"); });
    var newest = order.getAttribute("aria-pressed") !== "true";
    order.setAttribute("aria-pressed", newest ? "true" : "false");
  });
  [search, source, actor, year, keyOnly].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
  events.forEach(function (li) { li.tabIndex = -1; });
  document.addEventListener("keydown", function (ev) {
    if (ev.target && /INPUT|SELECT|TEXTAREA|BUTTON/.test(ev.target.tagName)) { return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.key === "/") { search.focus(); ev.preventDefault(); return; }
    if (ev.key !== "j" && ev.key !== "k") { return; }
    var visible = Array.prototype.slice.call(timeline.querySelectorAll("li.event:not([hidden])"))
      .filter(function (li) { return li.offsetParent !== null; });
    var i = visible.indexOf(document.activeElement);
    var next = visible[ev.key === "j" ? Math.min(i + 1, visible.length - 1) : Math.max(i - 1, 0)];
    if (next) { next.focus(); next.scrollIntoView({ block: "center" }); ev.preventDefault(); }
  });
  apply();
}());

// The search of a split index (the index lists years; each year is a page of its own):
// every event's title, date, sources and names come from search.js, loaded with a script
// element on the first search (a page opened from disk may not fetch files).
(function () {
  "use strict";
  var form = document.querySelector("form.site-search");
  if (!form) { return; }
  var input = form.querySelector("input");
  var status = form.querySelector(".status");
  var list = form.querySelector(".search-results");
  var root = form.getAttribute("data-root") || "";
  var LIMIT = 50;
  var entries = null;
  var loading = false;
  window.timelineSearch = function (data) {
    entries = data.map(function (e) {
      return { title: e[0], when: e[1], href: e[2], text: (e[0] + " " + e[1] + " " + e[3] + " " + e[4]).toLowerCase() };
    });
    run();
  };
  function load() {
    if (loading) { return; }
    loading = true;
    var script = document.createElement("script");
    script.src = form.getAttribute("data-index");
    script.onerror = function () { status.textContent = "The search index (search.js) could not be loaded."; };
    document.head.appendChild(script);
  }
  function run() {
    var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    if (!entries) { status.textContent = "Loading the search index..."; load(); return; }
    var found = entries.filter(function (e) {
      return words.every(function (w) { return e.text.indexOf(w) >= 0; });
    });
    found.slice(0, LIMIT).forEach(function (e) {
      var li = document.createElement("li");
      var when = document.createElement("span");
      when.className = "when";
      when.textContent = e.when + ": ";
      var a = document.createElement("a");
      a.href = root + e.href;
      a.textContent = e.title;
      li.appendChild(when);
      li.appendChild(a);
      list.appendChild(li);
    });
    status.textContent = found.length === 0 ? "No event matches."
      : found.length > LIMIT ? "The first " + LIMIT + " of " + found.length + " events that match: add words to narrow the search."
      : found.length + (found.length === 1 ? " event matches." : " events match.");
  }
  input.addEventListener("input", run);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  form.hidden = false;
}());
