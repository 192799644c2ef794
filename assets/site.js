// Wegwijzer: small enhancements. Every page works without this file.
(function () {
  "use strict";

  // Filters: apply a ticked box at once instead of waiting for the button.
  document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target && event.target.matches("input[type=checkbox], input[type=radio], select")) {
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
    var button = form.querySelector("[data-apply]");
    if (button) { button.classList.add("visually-hidden"); }
  });

  // Suggestions while typing, from the public API, in a native datalist.
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2 || q === last) { return; }
        last = q;
        fetch("/api/v1/suggesties?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            if (!data) { return; }
            list.textContent = "";
            var words = (data.zoekvragen || []).concat((data.titels || []).map(function (t) { return t.titel; }));
            words.slice(0, 8).forEach(function (w) {
              var option = document.createElement("option");
              option.value = w;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  });

  // "Bij mij in de buurt": the browser's location, only after the resident asks for it.
  document.querySelectorAll("[data-near-me]").forEach(function (button) {
    if (!navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var form = button.closest("form");
      navigator.geolocation.getCurrentPosition(function (pos) {
        var add = function (name, value) {
          var input = document.createElement("input");
          input.type = "hidden"; input.name = name; input.value = value;
          form.appendChild(input);
        };
        var postcode = form.querySelector("[name=postcode]");
        if (postcode) { postcode.value = ""; postcode.disabled = true; }
        add("breedtegraad", pos.coords.latitude.toFixed(4));
        add("lengtegraad", pos.coords.longitude.toFixed(4));
        add("sorteer", "afstand");
        form.submit();
      });
    });
  });

  // Referral lists: a print button where printing makes sense (Ctrl+P works without it).
  document.querySelectorAll(".print-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // A new share link: select it when it gets focus, ready to copy.
  document.querySelectorAll("#deellink-tekst").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
  // Portal forms: warn before leaving a page with changes that were not saved.
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
