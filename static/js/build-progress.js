/*
 * Report build progress: polls the build's status while it runs and updates the progress
 * bar and the live status line; reloads the page once the build is done, so the files
 * (or the error) appear. Without this script, the "Check again" link does the same by hand.
 *
 * Markup contract (reports/annual/build_detail.html):
 *   <div data-build-progress data-status-url="..." data-done="true|false">
 *     <progress>, [data-build-label], [data-build-text], [data-build-refresh]
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-build-progress]");
  if (!box || box.getAttribute("data-done") === "true") {
    return;
  }
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-build-label]");
  var text = box.querySelector("[data-build-text]");
  var url = box.getAttribute("data-status-url");
  var lastStep = text.textContent;

  function show(state) {
    bar.value = state.progress;
    bar.textContent = state.progress + "%";
    label.textContent = state.label;
    // Announce a new step, not every percent, so screen readers are not flooded.
    if (state.step !== lastStep) {
      text.textContent = state.step;
      lastStep = state.step;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.done) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 500);
})();
