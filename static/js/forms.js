/* Small helps for forms, without which they still work (progressive enhancement):
 * - a character counter under a text field with a limit (data-max-chars), announced politely when the
 *   limit is near or passed; the limit itself is stated in the field's help text for those without script;
 * - a notice beside a select whose choice differs from the saved one (data-change-notice-for), so an arrow
 *   key that changes a focused select does not change the value unnoticed before saving.
 * Texts come from the page (data-template, data-group), already in the reader's language.
 */
(function () {
  "use strict";

  function grouped(n, symbol) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, symbol);
  }

  function counter(field) {
    var max = parseInt(field.getAttribute("data-max-chars"), 10);
    var shown = document.getElementById(field.id + "-count");
    var live = document.getElementById(field.id + "-count-live");
    if (!shown || !live || !max) return;
    var group = shown.getAttribute("data-group") || "";
    var lastSpoken = "";
    function update() {
      var count = field.value.length;
      var over = count > max;
      var text = (over ? shown.getAttribute("data-over") : shown.getAttribute("data-template"))
        .replace("{count}", grouped(count, group))
        .replace("{over}", grouped(count - max, group));
      shown.textContent = text;
      shown.classList.toggle("text-danger", over);
      var spoken = over || max - count <= 200 ? text : "";
      if (spoken !== lastSpoken) {
        live.textContent = spoken;
        lastSpoken = spoken;
      }
    }
    shown.hidden = false;
    field.addEventListener("input", update);
    update();
  }

  function changeNotice(notice) {
    var select = document.getElementById(notice.getAttribute("data-change-notice-for"));
    if (!select) return;
    var saved = Array.prototype.find.call(select.options, function (o) { return o.defaultSelected; });
    select.addEventListener("change", function () {
      var chosen = select.options[select.selectedIndex];
      notice.textContent = saved && chosen && chosen.value !== saved.value
        ? notice.getAttribute("data-template").replace("{old}", saved.text).replace("{new}", chosen.text)
        : "";
    });
  }

  document.querySelectorAll("textarea[data-max-chars]").forEach(counter);
  document.querySelectorAll("[data-change-notice-for]").forEach(changeNotice);
})();
