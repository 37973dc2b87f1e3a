// hso-xl serve: the few things a plain form cannot do. Every page works without it.
"use strict";

// Kontroll: filter the figure map as you type (the Sök button does the same on the server).
document.querySelectorAll("input[data-filter]").forEach(function (input) {
  var list = document.getElementById(input.dataset.filter);
  var none = document.getElementById("karta-inga");
  input.addEventListener("input", function () {
    var wanted = input.value.trim().toLocaleLowerCase("sv");
    var shown = 0;
    list.querySelectorAll("li").forEach(function (li) {
      var match = !wanted || li.textContent.toLocaleLowerCase("sv").indexOf(wanted) >= 0;
      li.hidden = !match;
      if (match) { shown += 1; }
    });
    if (none) { none.hidden = shown > 0; }
  });
});

// Start: a workbook dropped on the form is put in the file input.
document.querySelectorAll("form.upload").forEach(function (form) {
  var input = form.querySelector("input[type=file]");
  ["dragenter", "dragover"].forEach(function (name) {
    form.addEventListener(name, function (e) { e.preventDefault(); form.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    form.addEventListener(name, function () { form.classList.remove("over"); });
  });
  form.addEventListener("drop", function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; }
  });
});

// Bygg: follow the build, document by document, until it is done; then show the documents.
(function () {
  var part = document.getElementById("forlopp-del");
  if (!part) { return; }
  var status = document.getElementById("status");
  var meter = document.getElementById("matare");
  var list = document.getElementById("renderade");
  var failed = document.getElementById("bygg-fel");
  function show(run) {
    if (run.total) { meter.max = run.total; meter.value = run.done; }
    while (list.children.length < run.rendered.length) {
      var li = document.createElement("li");
      li.textContent = run.rendered[list.children.length];
      list.appendChild(li);
    }
    if (run.error) {
      status.textContent = "Bygget stoppades.";
      failed.textContent = run.error;
      failed.parentNode.hidden = false;
    } else {
      status.textContent = run.stage;
    }
  }
  function poll() {
    fetch("/bygg/status", { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (run) {
        show(run);
        if (!run.finished) { window.setTimeout(poll, 200); }
        else if (run.ok) { window.location.replace("/bygg"); }
      })
      .catch(function () { window.setTimeout(poll, 1000); });
  }
  if (part.dataset.busy === "ja") { poll(); }
})();
