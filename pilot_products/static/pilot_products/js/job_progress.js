// Follows a background import on its page: polls the job's status (JSON) every
// second, shows its state and rows done, and reloads the page once it has finished
// so the server renders the result. The texts come translated from the server.
(function () {
  "use strict";
  var job = document.querySelector("[data-job-status-url]");
  if (!job) {
    return;
  }
  var url = job.getAttribute("data-job-status-url");
  var state = job.querySelector(".job-state");
  var rows = job.querySelector(".job-rows");
  var bar = job.querySelector("progress");

  function show(status) {
    state.textContent = status.label;
    rows.textContent = status.rows_text;
    if (status.rows_total > 0) {
      bar.max = status.rows_total;
      bar.value = status.rows_done;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();
