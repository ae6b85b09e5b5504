/* sopkit: small enhancements for the handbook pages. No network, no dependencies. */
(function () {
  "use strict";

  function formatDate(d) {
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(d.getDate()) + "." + pad(d.getMonth() + 1) + "." + d.getFullYear();
  }

  /* A wall card's QR code opens the procedure page with ?revisjon=X: say whether
     that card is the current revision. */
  function checkCard() {
    var box = document.querySelector(".sop-card-check");
    if (!box) return;
    var wanted = new URLSearchParams(window.location.search).get("revisjon");
    if (!wanted) return;
    var current = box.getAttribute("data-current");
    var obsolete = box.getAttribute("data-status") === "obsolete";
    var ok = !obsolete && wanted === current;
    var title = document.createElement("p");
    title.className = "admonition-title";
    var text = document.createElement("p");
    if (ok) {
      title.textContent = "Gjeldende";
      text.textContent = "Kortet ditt (revisjon " + wanted + ") er gjeldende revisjon.";
    } else {
      title.textContent = "Utgått – hent nytt kort";
      text.textContent = obsolete
        ? "Kortet ditt (revisjon " + wanted + ") gjelder et dokument som er utgått. Ta kortet ned."
        : "Kortet ditt har revisjon " + wanted + ", men gjeldende revisjon er " + current +
          ". Skriv ut nytt kort fra denne siden og kast det gamle.";
    }
    box.className = "sop-card-check admonition " + (ok ? "success" : "danger");
    box.setAttribute("data-result", ok ? "current" : "outdated");
    box.replaceChildren(title, text);
    box.hidden = false;
  }

  /* The printed footer carries the date of printing, not of building. */
  function stampPrintDate() {
    var today = formatDate(new Date());
    document.querySelectorAll(".sop-print-date").forEach(function (el) {
      el.textContent = today;
    });
  }

  /* The metadata panel (<details class="sop-about">) is shown open on a wide
     screen and on paper by CSS (::details-content). A browser without it gets
     the panel opened here instead: on a wide screen, and before printing. */
  function openPanelsWithoutCss() {
    if (window.CSS && CSS.supports && CSS.supports("selector(::details-content)")) return;
    var panels = document.querySelectorAll("details.sop-about");
    if (window.matchMedia && window.matchMedia("(min-width: 60em)").matches) {
      panels.forEach(function (panel) { panel.open = true; });
    }
    window.addEventListener("beforeprint", function () {
      panels.forEach(function (panel) { panel.open = true; });
    });
  }

  /* The front page's search button opens Material's search. */
  function wireSearchButton() {
    document.querySelectorAll("[data-sop-search]").forEach(function (button) {
      button.addEventListener("click", function () {
        var toggle = document.querySelector("[data-md-toggle='search']");
        var input = document.querySelector("[data-md-component='search-query']");
        if (toggle) toggle.checked = true;
        if (toggle) toggle.dispatchEvent(new Event("change"));
        if (input) input.focus();
      });
    });
  }

  /* A ticked step is struck through: by CSS :has() where the browser has it,
     by this class elsewhere (e.g. Firefox ESR 115). */
  function markTickedSteps() {
    document.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches || !box.matches(".sop-check input[type='checkbox']")) return;
      box.closest(".sop-check").classList.toggle("sop-done", box.checked);
    });
  }

  function ready() {
    checkCard();
    openPanelsWithoutCss();
    stampPrintDate();
    wireSearchButton();
    markTickedSteps();
  }

  window.addEventListener("beforeprint", stampPrintDate);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
