// The "Cite this" boxes (templates/exchanges/includes/cite_box.html): a Copy button beside each
// citation, shown only where the browser offers the clipboard; without it (or without
// JavaScript) the texts stay there to select and copy by hand.
//
// A script that changes the view without loading a new page (the map's year range) announces
// its new address with
//   document.dispatchEvent(new CustomEvent("regiontrade:permalink", {detail: {url: "https://…"}}))
// and the permalink (#cite-permalink) and the citations that name it follow.
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

  if (navigator.clipboard && window.isSecureContext) {
    document.querySelectorAll("button[data-copy]").forEach(setUpCopying);
  }
  document.addEventListener("regiontrade:permalink", function (event) {
    setPermalink(event.detail && event.detail.url);
  });
})();
