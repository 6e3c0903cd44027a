// Progressive enhancement only: every page works without this file.
// Session timeout warning (WCAG 2.2.1): show a dialog before the session ends,
// and let the user stay signed in without leaving the page.
(function () {
  "use strict";
  var body = document.body;
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  if (!body || !body.dataset.warnIn) { return; }
  var dialog = document.getElementById("timeout-warning");
  if (!dialog) { return; }
  var warnIn = parseInt(body.dataset.warnIn, 10) * 1000;
  var expiresIn = parseInt(body.dataset.expiresIn, 10) * 1000;
  var timers = [];
  function schedule(warnAfter, endAfter) {
    timers.forEach(clearTimeout);
    timers = [
      setTimeout(function () { dialog.hidden = false; var b = dialog.querySelector("button"); if (b) { b.focus(); } }, warnAfter),
      setTimeout(function () { window.location.href = "/sign-in?ended=idle"; }, endAfter)
    ];
  }
  var form = dialog.querySelector("form");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
      .then(function () { dialog.hidden = true; schedule(warnIn, expiresIn); })
      .catch(function () { form.submit(); });
  });
  schedule(warnIn, expiresIn);
})();

// The register: "mark everyone attended and complied" ticks that outcome on
// every row that has none yet; the facilitator then changes the exceptions.
(function () {
  "use strict";
  var button = document.querySelector("[data-mark-all]");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var rows = document.querySelectorAll(".register-row");
    Array.prototype.forEach.call(rows, function (row) {
      if (row.querySelector(".radios__input:checked")) { return; }
      var first = row.querySelector('.radios__input[value="attended_complied"]');
      if (first) { first.checked = true; }
    });
  });
})();

// A court report's draft saves itself a few seconds after typing stops; the
// Save draft button does the same without JavaScript.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var version = form.querySelector('[name="lock_version"]');
  var timer = null;
  var inFlight = null;
  function save() {
    var data = new FormData(form);
    data.set("action", "autosave");
    // form.action would be the buttons named "action", not the address
    inFlight = fetch(form.getAttribute("action"), { method: "POST", body: new URLSearchParams(data), credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (saved) {
        version.value = saved.lock_version;
        status.textContent = "Draft saved automatically at " + saved.saved_at + ".";
      })
      .catch(function () { status.textContent = "Not saved automatically: use Save draft."; })
      .then(function () { inFlight = null; });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 2000);
  });
  // a button pressed while a save is on its way waits for it, so that it
  // sends the version that save made
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (!inFlight) { return; }
    event.preventDefault();
    var button = event.submitter;
    inFlight.then(function () { form.requestSubmit(button); });
  });
})();
