/* sopkit: accessibility fixes for DOM that Material for MkDocs creates at runtime. */
document$.subscribe(function () {
  /* Tables are wrapped in a horizontally scrolling .md-typeset__scrollwrap by
     Material; make it keyboard-focusable when it actually scrolls
     (WCAG 2.1.1, axe scrollable-region-focusable). */
  var update = function (el) {
    if (el.scrollWidth > el.clientWidth) el.setAttribute("tabindex", "0");
    else el.removeAttribute("tabindex");
  };
  var observer = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { update(entry.target); });
  });
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (el) {
    update(el);
    observer.observe(el);
  });
  /* The copy button of each code block sits in an unlabelled <nav>; that is
     not a navigation landmark (axe best-practice landmark-unique). */
  document.querySelectorAll("nav.md-code__nav").forEach(function (el) {
    el.setAttribute("role", "none");
  });
});
