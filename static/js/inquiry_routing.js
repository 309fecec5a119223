// The inquiry form's routing by the contact map: when the topic or the departments change, the handlers on the
// map for them are named below the handler list, and the first is chosen if nobody is chosen yet. Without the
// script the list still shows the people on the map first, with their departments and topics.
(function () {
  "use strict";
  var topic = document.getElementById("topic");
  var departments = document.getElementById("department_ids");
  var handler = document.getElementById("handler_id");
  var hint = document.getElementById("handler-suggestion");
  if (!topic || !departments || !handler || !hint) {
    return;
  }
  var mapped = Array.prototype.filter.call(handler.options, function (option) {
    return option.hasAttribute("data-departments");
  });
  var autoChosen = false;

  function matches(option, chosen, text) {
    var own = option.getAttribute("data-departments").split(" ");
    if (own.some(function (id) { return chosen.indexOf(id) !== -1; })) {
      return true;
    }
    if (text.length < 3) {
      return false;
    }
    return option.getAttribute("data-topics").split("|").some(function (known) {
      return known && (known.indexOf(text) !== -1 || text.indexOf(known) !== -1);
    });
  }

  function suggest() {
    var chosen = Array.prototype.filter.call(departments.options, function (o) { return o.selected; })
      .map(function (o) { return o.value; });
    var text = topic.value.trim().toLowerCase();
    var found = mapped.filter(function (option) { return matches(option, chosen, text); });
    if (!found.length) {
      hint.textContent = "";
      if (autoChosen) {
        handler.value = "";
        autoChosen = false;
      }
      return;
    }
    if (handler.value === "" || autoChosen) {
      handler.value = found[0].value;
      autoChosen = true;
    }
    var names = found.map(function (option) { return option.textContent.split(" (")[0]; }).join(", ");
    hint.textContent = hint.getAttribute("data-template").replace("{names}", names) +
      (autoChosen ? " " + hint.getAttribute("data-chosen") : "");
  }

  handler.addEventListener("change", function () { autoChosen = false; });
  topic.addEventListener("change", suggest);
  topic.addEventListener("input", suggest);
  departments.addEventListener("change", suggest);
})();
