// The page of a report being issued asks again every few seconds and replaces its status
// (a polite live region) with the new one, until the job is done; a page that shows more once
// done (data-reload) is loaded anew then.
(function () {
  "use strict";
  var DELAY = 2000;
  function check() {
    fetch(window.location.href, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("job-status");
        var status = document.getElementById("job-status");
        if (!fresh || !status) { return; }
        var state = fresh.getAttribute("data-state");
        var finished = ["waiting", "running", "reading", "importing"].indexOf(state) < 0;
        if (finished && status.getAttribute("data-reload") === "yes") {
          // The finished page shows more than its status (an import's result): load it whole.
          window.location.reload();
          return;
        }
        if (fresh.innerHTML !== status.innerHTML) {
          status.innerHTML = fresh.innerHTML;  // a new step, or more rows read
          status.setAttribute("data-state", state);
        }
        if (!finished) {
          window.setTimeout(check, DELAY);
        } else {
          var refresh = document.querySelector(".job-refresh");
          if (refresh) { refresh.remove(); }
        }
      })
      // A busy server or a lost connection: ask again a little later.
      .catch(function () { window.setTimeout(check, DELAY * 3); });
  }
  window.setTimeout(check, DELAY);
})();
