// Part of the Apparel CNN book (not downloaded; see README.md in this folder).
// Loaded after require.js and before html-manager/dist/embed-amd.js on pages with widgets.
// embed-amd.js registers several named modules (@jupyter-widgets/base, .../controls,
// .../html-manager, ...). Webpack inside each loads the Font Awesome fonts relative to the URL
// RequireJS gives that module, by default <page folder>/@jupyter-widgets/, where nothing is
// served (the controls module asked there for its icon font, a 404 on pages with a slider or
// a dropdown). Point every one of those module paths at the vendored folder next to this
// script, and tell the html-manager the same folder (works at any page depth).
(function () {
  var script = document.currentScript;
  if (!script || typeof window.require === "undefined") {
    return;
  }
  var base = script.src.replace(/[?#].*$/, "").replace(/[^\/]*$/, ""); // ".../_static/"
  var dist = base + "html-manager/dist/";
  var paths = { "@jupyter-widgets/html-manager/dist": dist.slice(0, -1) };
  ["base", "base7", "controls", "controls7", "html-manager", "output"].forEach(function (name) {
    paths["@jupyter-widgets/" + name] = dist + name;
  });
  window.__jupyter_widgets_assets_path__ = dist;
  window.require.config({ paths: paths });
})();
