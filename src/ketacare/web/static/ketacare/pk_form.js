// Predicted-levels form: a new route brings its own starting dose, and the infusion time
// shows for IV only. Without this script the server does the same on submit.
(function () {
  "use strict";
  var form = document.querySelector("[data-pk-form]");
  var data = document.getElementById("pk-route-defaults");
  if (!form || !data) return;
  var defaults = JSON.parse(data.textContent);
  var route = form.elements.route;
  var fields = ["dose_mg_per_kg", "dose_mg", "infusion_min"];
  route.addEventListener("change", function () {
    var chosen = defaults[route.value] || {};
    fields.forEach(function (name) { form.elements[name].value = chosen[name] || ""; });
    form.elements.shown_route.value = route.value;
    form.querySelectorAll("[data-iv-only]").forEach(function (el) {
      el.hidden = route.value !== "iv";
    });
  });
})();
