// Part of the Apparel CNN book (not downloaded; see README.md in this folder).
// Loaded after require.js and before html-manager/dist/embed-amd.js on pages with widgets.
// embed-amd.js registers its modules under names like "@jupyter-widgets/html-manager/dist/...",
// and webpack inside it loads the Font Awesome fonts relative to the URL RequireJS gives that
// module, by default <page folder>/@jupyter-widgets/html-manager/dist/, where nothing exists.
// Point that module path at the vendored copy next to this script instead (works at any page depth).
(function () {
  var script = document.currentScript;
  if (!script || typeof window.require === "undefined") {
    return;
  }
  var base = script.src.replace(/[?#].*$/, "").replace(/[^\/]*$/, ""); // ".../_static/"
  window.require.config({
    paths: { "@jupyter-widgets/html-manager/dist": base + "html-manager/dist" },
  });
})();
