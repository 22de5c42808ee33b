// Issue 15: after a failed submission, bring the summary of the errors into view and
// focus it, so that a phone user sees what to fix without scrolling thousands of pixels.
// Each entry links to its field; following the link focuses the field.
(function () {
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.scrollIntoView({block: "start"});
      summary.focus({preventScroll: true});
    }
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.scrollIntoView({block: "center"});
        field.focus();
      }
    });
  });
})();
