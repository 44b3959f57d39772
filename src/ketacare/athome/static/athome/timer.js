// Counts down to the next check-in's deadline (the server's time, written into the page).
(function () {
  function tick() {
    document.querySelectorAll("[data-countdown-to]").forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.countdownTo) - Date.now()) / 1000);
      if (isNaN(left)) return;
      var late = left < 0, s = Math.abs(left);
      var text = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
      el.textContent = late ? text + " late" : text + " left";
      el.classList.toggle("late", late);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
