// The "Cite this" boxes (templates/exchanges/includes/cite_box.html): a Copy button beside each
// citation, shown only where the browser offers the clipboard; without it (or without
// JavaScript) the texts stay there to select and copy by hand.
//
// A script that changes the view without loading a new page follows it in the permalink
// (#cite-permalink) and the citations that name it:
// - year-range.js puts the new query in the address bar and sends "picture:replaced": the
//   permalink becomes that address with its parameters in the order the server gives them
//   (the filters as declared, data-order, then the others by name; data-left-out dropped);
// - any other script can send its own address:
//   document.dispatchEvent(new CustomEvent("regiontrade:permalink", {detail: {url: "https://…"}}))
(function () {
  "use strict";

  function setUpCopying(button) {
    var source = document.getElementById(button.dataset.copy);
    var status = button.closest("section, details").parentElement.querySelector(".copy-status");
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent).then(
        function () { if (status) status.textContent = button.dataset.copied; },
        function () { if (status) status.textContent = button.dataset.failed; }
      );
    });
  }

  function setPermalink(url) {
    var link = document.getElementById("cite-permalink");
    if (!link || !url) return;
    var previous = link.getAttribute("href");
    if (previous === url) return;
    link.setAttribute("href", url);
    link.textContent = url;
    var box = link.closest(".cite-box");
    box.querySelectorAll("[data-cite-text]").forEach(function (text) {
      text.textContent = text.textContent.split(previous).join(url);
    });
  }

  function encode(text) {
    return encodeURIComponent(text);
  }

  // The address bar's address as the server writes a permalink (exchanges/citing.py).
  function canonical(link, href) {
    var address = new URL(href, window.location.href);
    var order = (link.dataset.order || "").split(" ").filter(Boolean);
    var leftOut = (link.dataset.leftOut || "").split(" ").filter(Boolean);
    var names = [];
    address.searchParams.forEach(function (value, name) {
      if (leftOut.indexOf(name) < 0 && names.indexOf(name) < 0) names.push(name);
    });
    function rank(name) {
      var index = order.indexOf(name);
      return index >= 0 ? [0, index, ""] : [1, 0, name];
    }
    names.sort(function (a, b) {
      var ra = rank(a);
      var rb = rank(b);
      if (ra[0] !== rb[0]) return ra[0] - rb[0];
      if (ra[1] !== rb[1]) return ra[1] - rb[1];
      return ra[2] < rb[2] ? -1 : ra[2] > rb[2] ? 1 : 0;
    });
    var pairs = [];
    names.forEach(function (name) {
      address.searchParams.getAll(name).forEach(function (value) {
        if (value !== "") pairs.push(encode(name) + "=" + encode(value));
      });
    });
    return address.origin + address.pathname + (pairs.length ? "?" + pairs.join("&") : "");
  }

  if (navigator.clipboard && window.isSecureContext) {
    document.querySelectorAll("button[data-copy]").forEach(setUpCopying);
  }
  document.addEventListener("regiontrade:permalink", function (event) {
    setPermalink(event.detail && event.detail.url);
  });
  document.addEventListener("picture:replaced", function () {
    var link = document.getElementById("cite-permalink");
    if (link) setPermalink(canonical(link, window.location.href));
  });
})();
