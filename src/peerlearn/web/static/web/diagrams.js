/* Draws the ```mermaid blocks of user notes (pre.mermaid, the source as escaped text).
 * A file of its own because the CSP allows no inline script. securityLevel "strict":
 * Mermaid sanitises labels, ignores `click` callbacks and links to javascript:.
 * htmlLabels false: labels are SVG text, so a label's `<img src=...>` is shown as those
 * characters instead of becoming an image that calls a server (line breaks and Mermaid's
 * own "`**bold**`" labels still work). The keys in `secure` cannot be changed by a
 * diagram's %%{init}%% directive or front matter, so a diagram cannot undo any of this
 * nor bring its own CSS (themeCSS, fonts). */
(function () {
  "use strict";
  var SECURE = [
    "secure", "securityLevel", "startOnLoad", "maxTextSize", "maxEdges",
    "suppressErrorRendering", "themeCSS", "fontFamily", "altFontFamily", "htmlLabels"
  ];
  var started = false;

  function draw(root) {
    var mermaid = window.mermaid;
    if (!mermaid) { return; }
    if (!started) {
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: "strict",
        htmlLabels: false,
        flowchart: { htmlLabels: false },
        secure: SECURE,
        theme: "default",
        fontFamily: "system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif"
      });
      started = true;
    }
    var nodes = root.querySelectorAll("pre.mermaid:not([data-processed])");
    if (nodes.length === 0) { return; }
    // suppressErrors: a diagram that does not parse shows Mermaid's error picture and the
    // others are still drawn.
    mermaid.run({ nodes: nodes, suppressErrors: true }).then(function () {
      document.documentElement.setAttribute("data-diagrams", "drawn");
    });
  }

  function start() {
    draw(document);
    // Notes swapped in by HTMX later (the script is here only if the page had a diagram).
    document.body.addEventListener("htmx:afterSettle", function (event) {
      draw(event.target instanceof Element ? event.target : document);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
