/* Pan and zoom for the server-drawn map (templates/exchanges/map.html). The wheel, the +, −
   and reset buttons, dragging, pinching and the keyboard (+, −, 0, arrows) change the SVG's
   viewBox; dots, office markers and names keep their size on the screen, and each name shows
   once the scale (screen px per map unit) reaches its data-min-zoom, where the server found
   room for it (exchanges/pictures/labels.py). Without this script the map is drawn as sent. */
(function () {
  "use strict";

  var MAX_ZOOM = 16;
  var STEP = 1.5;

  function setUp(svg) {
    if (svg.dataset.zoomReady) return;
    svg.dataset.zoomReady = "true";
    var box = svg.viewBox.baseVal;
    var width = box.width;
    var height = box.height;
    var view = { x: 0, y: 0, zoom: 1 };
    var pins = svg.querySelectorAll(".pin");
    var names = svg.querySelectorAll("text.label");
    var figure = svg.closest("figure");
    var controls = figure && figure.querySelector("[data-map-zoom]");
    var buttons = {};

    function scale() {
      var shown = svg.getBoundingClientRect().width || width;
      return (shown / width) * view.zoom;
    }

    function draw() {
      var w = width / view.zoom;
      var h = height / view.zoom;
      view.x = Math.min(Math.max(view.x, 0), width - w);
      view.y = Math.min(Math.max(view.y, 0), height - h);
      svg.setAttribute("viewBox", [view.x, view.y, w, h].map(function (n) {
        return Math.round(n * 100) / 100;
      }).join(" "));
      var s = scale();
      var shrink = Math.round((1 / s) * 10000) / 10000;
      pins.forEach(function (pin) {
        pin.setAttribute(
          "transform",
          "translate(" + pin.dataset.x + " " + pin.dataset.y + ") scale(" + shrink + ")"
        );
      });
      names.forEach(function (name) {
        name.classList.toggle("later", Number(name.dataset.minZoom) > s * 1.0001);
      });
      svg.classList.toggle("zoomed", view.zoom > 1);
      svg.classList.toggle("small", s < 0.8);
      svg.dataset.scale = String(Math.round(s * 1000) / 1000);
      if (buttons.in) buttons.in.disabled = view.zoom >= MAX_ZOOM;
      if (buttons.out) buttons.out.disabled = view.zoom <= 1;
      if (buttons.reset) buttons.reset.disabled = view.zoom <= 1;
    }

    function zoomAt(factor, x, y) {
      var zoom = Math.min(MAX_ZOOM, Math.max(1, view.zoom * factor));
      var change = zoom / view.zoom;
      if (x === undefined) {
        x = view.x + width / view.zoom / 2;
        y = view.y + height / view.zoom / 2;
      }
      view.x = x - (x - view.x) / change;
      view.y = y - (y - view.y) / change;
      view.zoom = zoom;
      draw();
    }

    function toMap(clientX, clientY) {
      var rect = svg.getBoundingClientRect();
      return {
        x: view.x + ((clientX - rect.left) / rect.width) * (width / view.zoom),
        y: view.y + ((clientY - rect.top) / rect.height) * (height / view.zoom),
      };
    }

    function panBy(dxPx, dyPx) {
      var rect = svg.getBoundingClientRect();
      view.x -= (dxPx / rect.width) * (width / view.zoom);
      view.y -= (dyPx / rect.height) * (height / view.zoom);
      draw();
    }

    function reset() {
      view = { x: 0, y: 0, zoom: 1 };
      draw();
    }

    // The wheel zooms in once the reader has selected the map (or holds Ctrl, as a
    // touchpad's pinch does), so that scrolling down the page never gets stuck on it; it
    // zooms out while zoomed, and scrolls the page again at the full view.
    svg.addEventListener("wheel", function (event) {
      if (event.deltaY === 0) return;
      var chosen = event.ctrlKey || svg.contains(document.activeElement);
      if (event.deltaY < 0 ? !chosen : view.zoom <= 1) return;
      event.preventDefault();
      var at = toMap(event.clientX, event.clientY);
      zoomAt(event.deltaY < 0 ? 1.25 : 0.8, at.x, at.y);
    }, { passive: false });

    // Dragging pans, two fingers pinch; a drag does not follow the link it started on.
    var pointers = new Map();
    var pinch = null;
    var dragged = false;
    svg.addEventListener("pointerdown", function (event) {
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      dragged = false;
      if (pointers.size === 2) {
        var both = Array.from(pointers.values());
        pinch = Math.hypot(both[0].x - both[1].x, both[0].y - both[1].y);
      }
    });
    svg.addEventListener("pointermove", function (event) {
      var before = pointers.get(event.pointerId);
      if (!before) return;
      var now = { x: event.clientX, y: event.clientY };
      if (pointers.size === 1 && view.zoom > 1) {
        if (Math.abs(now.x - before.x) + Math.abs(now.y - before.y) > 0) {
          if (!dragged && !svg.hasPointerCapture(event.pointerId)) {
            svg.setPointerCapture(event.pointerId);
          }
          dragged = true;
          panBy(now.x - before.x, now.y - before.y);
        }
      } else if (pointers.size === 2 && pinch) {
        pointers.set(event.pointerId, now);
        var both = Array.from(pointers.values());
        var distance = Math.hypot(both[0].x - both[1].x, both[0].y - both[1].y);
        var middle = toMap((both[0].x + both[1].x) / 2, (both[0].y + both[1].y) / 2);
        if (pinch > 0) zoomAt(distance / pinch, middle.x, middle.y);
        pinch = distance;
        dragged = true;
      }
      pointers.set(event.pointerId, now);
    });
    function release(event) {
      pointers.delete(event.pointerId);
      if (pointers.size < 2) pinch = null;
    }
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);
    svg.addEventListener("click", function (event) {
      if (dragged) {
        event.preventDefault();
        dragged = false;
      }
    }, true);

    svg.setAttribute("tabindex", "0");
    svg.addEventListener("keydown", function (event) {
      if (event.target !== svg) return;
      var step = 60;
      var keys = {
        "+": function () { zoomAt(STEP); },
        "=": function () { zoomAt(STEP); },
        "-": function () { zoomAt(1 / STEP); },
        "0": reset,
        ArrowLeft: function () { panBy(step, 0); },
        ArrowRight: function () { panBy(-step, 0); },
        ArrowUp: function () { panBy(0, step); },
        ArrowDown: function () { panBy(0, -step); },
      };
      if (keys[event.key]) {
        event.preventDefault();
        keys[event.key]();
      }
    });

    if (controls) {
      controls.querySelectorAll("[data-zoom]").forEach(function (button) {
        buttons[button.dataset.zoom] = button;
        button.addEventListener("click", function () {
          if (button.dataset.zoom === "in") zoomAt(STEP);
          else if (button.dataset.zoom === "out") zoomAt(1 / STEP);
          else reset();
        });
      });
      controls.hidden = false;
    }
    svg.classList.add("zoomable");
    window.addEventListener("resize", draw);
    draw();
  }

  function setUpAll() {
    document.querySelectorAll("svg.tie-map").forEach(setUp);
  }

  document.addEventListener("picture:replaced", setUpAll);
  setUpAll();
})();
