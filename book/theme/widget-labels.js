// Names for the explorers' sliders. ipywidgets' slider view (@jupyter-widgets/controls 5, in the
// vendored html-manager) draws its handle with noUiSlider: a focusable div with role="slider"
// that works from the keyboard (arrow keys, Home, End) but has no accessible name, and the
// widget's description is a <label> tied to nothing. A screen reader said only "slider, 3" and
// axe reported aria-input-field-name (serious). Here every such handle is labelled by its
// widget's description (aria-labelledby), and so is the slider's readout, an editable number
// that a reader may also type into. Widgets render after the page has loaded, and a slider
// redraws its handle when its range changes, so new handles are labelled as they appear.
(() => {
  let count = 0;
  const label = () => {
    const handles = document.querySelectorAll(
      ".widget-slider [role=slider]:not([aria-labelledby]):not([aria-label])");
    for (const handle of handles) {
      const description = handle.closest(".widget-slider").querySelector(":scope > .widget-label");
      if (!description || !description.textContent.trim()) continue;
      description.id ||= `widget-description-${++count}`;
      handle.setAttribute("aria-labelledby", description.id);
      const readout = handle.closest(".widget-slider").querySelector(":scope > .widget-readout");
      if (readout && readout.isContentEditable) {
        readout.setAttribute("role", "textbox");
        readout.setAttribute("aria-labelledby", description.id);
      }
    }
  };
  document.addEventListener("DOMContentLoaded", () => {
    if (!document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]')) return;
    label();
    new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
  });
})();
