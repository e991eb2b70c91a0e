// Optional: refresh the authoring preview while the trainer types. The page works without it
// (the Preview button posts the form); this only saves the click.
(function () {
  "use strict";
  var textarea = document.querySelector("textarea[data-preview-url]");
  var region = document.getElementById("author-preview-region");
  if (!textarea || !region || !window.fetch) { return; }
  var form = textarea.form;
  var timer = null;
  var sent = 0;
  function refresh() {
    var number = ++sent;
    var body = new FormData();
    body.append("text", textarea.value);
    var token = form.querySelector("input[name=csrf_token]");
    if (token) { body.append("csrf_token", token.value); }
    fetch(textarea.getAttribute("data-preview-url"), {
      method: "POST", body: body, credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null && number === sent) { region.innerHTML = html; }
    }).catch(function () { /* keep the last preview */ });
  }
  textarea.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 700);
  });
})();
