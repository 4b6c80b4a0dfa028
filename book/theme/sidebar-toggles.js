// The sidebar toggles in the article's header (the ones a reader sees) open and close the
// sidebars. sphinx-book-theme 1.3 and pydata-sphinx-theme 0.17 attach their handlers with
// document.querySelector(".primary-toggle") (and ".secondary-toggle"): the first such button,
// the pydata navbar's, which sphinx-book-theme hides. So a click on a visible toggle did
// nothing; here it is passed on to the button that carries the themes' handlers (the themes
// then hide the sidebar on a wide screen, or open it as a drawer on a narrow one).
document.addEventListener("DOMContentLoaded", () => {
  for (const name of [".primary-toggle", ".secondary-toggle"]) {
    const [handled, ...visible] = document.querySelectorAll(name);
    for (const button of visible) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        handled.click();
      });
    }
  }
});
