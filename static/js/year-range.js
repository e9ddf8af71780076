/* The year slider of the map and the network: two range inputs that set the form's
   "established from" and "established until" years. Moving them redraws the picture in place
   (the page is fetched with the new query and its picture swapped in) and puts the query in
   the address bar, so the link reproduces the view. Without this script the slider stays
   hidden and the form's year fields submit as usual. */
(function () {
  "use strict";

  var fieldset = document.querySelector("[data-year-range]");
  if (!fieldset) return;
  var form = fieldset.closest("form");
  var fromField = form && form.querySelector('[name="established_from"]');
  var toField = form && form.querySelector('[name="established_to"]');
  if (!fromField || !toField || !window.fetch || !window.DOMParser) return;

  var first = Number(fieldset.dataset.first);
  var last = Number(fieldset.dataset.last);
  var fromRange = fieldset.querySelector('[data-bound="from"]');
  var toRange = fieldset.querySelector('[data-bound="to"]');
  var output = fieldset.querySelector("output");
  var timer = null;
  var pending = null;

  function clampYear(value, fallback) {
    var year = parseInt(value, 10);
    if (isNaN(year)) return fallback;
    return Math.min(last, Math.max(first, year));
  }

  function showFields() {
    fromRange.value = clampYear(fromField.value, first);
    toRange.value = clampYear(toField.value, last);
    output.value = fromRange.value + "–" + toRange.value;
  }

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "" && name !== "page") params.append(name, value);
    });
    return params.toString();
  }

  function redraw() {
    var search = query();
    var url = window.location.pathname + (search ? "?" + search : "");
    if (pending) pending.abort();
    pending = new AbortController();
    var picture = document.getElementById("picture");
    if (picture) picture.setAttribute("aria-busy", "true");
    fetch(url, { signal: pending.signal, headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshPicture = fresh.getElementById("picture");
        var current = document.getElementById("picture");
        if (freshPicture && current) current.replaceWith(document.importNode(freshPicture, true));
        var freshActive = fresh.querySelector("[data-active-filters]");
        var active = document.querySelector("[data-active-filters]");
        if (freshActive && active) active.replaceWith(document.importNode(freshActive, true));
        window.history.replaceState(null, "", url);
        document.dispatchEvent(new CustomEvent("picture:replaced"));
      })
      .catch(function (error) {
        if (error.name !== "AbortError") form.submit();
      });
  }

  function slide(event) {
    var from = Number(fromRange.value);
    var to = Number(toRange.value);
    if (from > to) {
      if (event.target === fromRange) toRange.value = from;
      else fromRange.value = to;
    }
    from = Number(fromRange.value);
    to = Number(toRange.value);
    // The ends of the slider mean no bound: the view stays unfiltered by year there.
    fromField.value = from > first ? String(from) : "";
    toField.value = to < last ? String(to) : "";
    output.value = from + "–" + to;
    window.clearTimeout(timer);
    timer = window.setTimeout(redraw, 250);
  }

  showFields();
  fieldset.hidden = false;
  fromRange.addEventListener("input", slide);
  toRange.addEventListener("input", slide);
  fromField.addEventListener("change", showFields);
  toField.addEventListener("change", showFields);
})();
