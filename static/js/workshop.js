/* Workshop boards: the projector view updates itself and answers the facilitator's keys; participant
 * boards say when the board has changed. No user text is ever put into the page as HTML: textContent only. */
(function () {
  "use strict";

  var PROJECTOR_POLL_MS = 3000;
  var BOARD_POLL_MS = 5000;
  var RANKING_SIZE = 10;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) return meta.getAttribute("content");
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function fetchState(url) {
    return fetch(url, {
      headers: { Accept: "application/json" },
      cache: "no-store",
      credentials: "same-origin",
    }).then(function (response) {
      return response
        .json()
        .catch(function () { return null; })
        .then(function (body) {
          if (!response.ok) {
            var error = new Error((body && body.error) || String(response.status));
            error.status = response.status;
            throw error;
          }
          return body;
        });
    });
  }

  // -- the projector --------------------------------------------------------------------------------------

  function initProjector(root) {
    var texts = JSON.parse(root.dataset.texts || "{}");
    var columnsBox = document.getElementById("projector-columns");
    var phaseBox = document.getElementById("projector-phase");
    var statsBox = document.getElementById("projector-stats");
    var joinBox = document.getElementById("projector-join");
    var ranking = document.getElementById("projector-ranking");
    var rankingList = document.getElementById("projector-ranking-list");
    var rankingMore = document.getElementById("projector-ranking-more");
    var live = document.getElementById("projector-live");
    var revealInput = document.getElementById("projector-reveal-value");
    var joinUrl = document.getElementById("projector-join-url");
    var qr = document.getElementById("projector-qr");
    var current = null;
    var busy = false;

    function announce(message) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = message; }, 50);
    }

    function cardNode(card) {
      var item = el("li", "workshop-card" + (card.converted ? " workshop-card-converted" : ""));
      item.dataset.cardId = card.id;
      item.appendChild(el("p", "workshop-card-text", card.text));
      var meta = el("div", "small d-flex flex-wrap gap-2");
      if (card.total !== null && card.total !== undefined) {
        meta.appendChild(el("span", "workshop-total", texts.dots + ": " + card.total + " · " + texts.rank + " " + card.rank));
      }
      if (card.merged_count) meta.appendChild(el("span", null, texts.merged + ": " + card.merged_count));
      if (card.converted) {
        meta.appendChild(el("span", "workshop-became", "→ " + texts.became + ": " + card.converted.label +
          (card.converted.title ? " “" + card.converted.title + "”" : "")));
      }
      if (meta.childNodes.length) item.appendChild(meta);
      return item;
    }

    function render(state) {
      var previous = current;
      current = state;
      phaseBox.textContent = texts.phase + ": " + state.phase_label;
      phaseBox.className = "workshop-phase workshop-phase-" + state.phase;
      statsBox.textContent = texts.participants + ": " + state.participants + " · " + texts.dots_placed + ": " + state.dots_placed;
      if (joinBox) {
        joinBox.hidden = !state.join_url;
        if (state.join_url && joinUrl.textContent !== state.join_url) {  // a new link: a new QR code
          joinUrl.textContent = state.join_url;
          qr.src = qr.dataset.src + "?v=" + Date.now();
        }
      }
      if (revealInput) revealInput.value = state.results_revealed ? "0" : "1";

      var columns = state.columns.map(function (column) {
        var section = el("section", "workshop-column");
        section.appendChild(el("h3", null, column.title));
        var list = el("ul", "list-unstyled mb-0");
        if (!column.cards.length) list.appendChild(el("li", "small", texts.no_cards));
        column.cards.forEach(function (card) { list.appendChild(cardNode(card)); });
        section.appendChild(list);
        return section;
      });
      columnsBox.replaceChildren.apply(columnsBox, columns);

      ranking.hidden = !state.results_revealed;
      rankingList.replaceChildren.apply(rankingList, state.ranking.slice(0, RANKING_SIZE).map(function (card) {
        var li = el("li", null, card.text);
        li.value = card.rank;  // equal totals share a rank
        li.appendChild(el("strong", null, " — " + texts.dots + ": " + card.total));
        return li;
      }));

      markScrolling();

      if (previous && previous.phase !== state.phase) {
        announce(texts.phase_changed.replace("%(phase)s", state.phase_label));
      } else if (previous && previous.results_revealed !== state.results_revealed) {
        announce(state.results_revealed ? texts.revealed : texts.hidden);
      }
    }

    // Results longer than the screen scroll inside their list, which then says so.
    function markScrolling() {
      var scrolls = !ranking.hidden && rankingList.scrollHeight > rankingList.clientHeight + 1;
      ranking.dataset.scrolls = scrolls ? "true" : "false";
      if (rankingMore) rankingMore.hidden = !scrolls;
    }
    window.addEventListener("resize", markScrolling);

    function refresh() {
      return fetchState(root.dataset.stateUrl).then(render, function () { announce(texts.unreachable); });
    }

    function post(url, data) {
      if (busy) return;
      busy = true;
      var body = new URLSearchParams(data || {});
      body.append("csrf_token", csrfToken());
      fetch(url, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: body,
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().catch(function () { return null; }).then(function (json) {
            if (response.ok && json) render(json);
            else if (json && json.error) announce(json.error);
          });
        })
        .catch(function () { announce(texts.unreachable); })
        .then(function () { busy = false; });
    }

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      var target = event.target;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName))) return;
      var key = (event.key || "").toLowerCase();
      if (key === "n") {
        post(root.dataset.nextUrl);
      } else if (key === "b") {
        post(root.dataset.backUrl);
      } else if (key === "r") {
        post(root.dataset.revealUrl, { revealed: current && current.results_revealed ? "0" : "1" });
      } else if (key === "f") {
        if (document.fullscreenElement) document.exitFullscreen();
        else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
      } else {
        return;
      }
      event.preventDefault();
    });

    refresh();
    window.setInterval(refresh, PROJECTOR_POLL_MS);
  }

  // -- a participant's or facilitator's board -------------------------------------------------------------

  function someoneIsTyping(root) {
    var active = document.activeElement;
    if (active && active.closest && active.closest("form")) return true;
    var fields = root.querySelectorAll("textarea, input[type=text]");
    for (var i = 0; i < fields.length; i++) {
      if (!fields[i].readOnly && fields[i].value && fields[i].value !== fields[i].defaultValue) return true;
    }
    return false;
  }

  function initBoard(root) {
    var notice = document.getElementById("board-changed");
    var message = notice && notice.querySelector("[data-message]");
    var timer = null;

    function check() {
      fetchState(root.dataset.stateUrl).then(function (state) {
        if (state.fingerprint === root.dataset.fingerprint) return;
        if (state.phase !== root.dataset.phase && !someoneIsTyping(root)) {
          window.location.reload();
          return;
        }
        if (notice) notice.classList.remove("d-none");
      }, function (error) {
        if (error.status === 404 || error.status === 410 || error.status === 403) {
          if (message) message.textContent = error.message;
          if (notice) notice.classList.remove("d-none");
          window.clearInterval(timer);
        }
      });
    }

    timer = window.setInterval(check, BOARD_POLL_MS);
  }

  function initPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // -- "copy link": the button shows only where the browser can copy; the field stays selectable -----------

  function initCopy() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copy);
      var status = document.getElementById(button.dataset.copy + "-copied");
      if (!field || !status || !(navigator.clipboard && window.isSecureContext)) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        status.textContent = "";
        navigator.clipboard.writeText(field.value).then(
          function () { status.textContent = button.dataset.copied; },
          function () {
            field.focus();
            field.select();
            status.textContent = button.dataset.copyFailed;
          }
        );
      });
    });
  }

  function start() {
    var projector = document.querySelector("[data-workshop-projector]");
    if (projector) initProjector(projector);
    var board = document.querySelector("[data-workshop-board]");
    if (board) initBoard(board);
    initPrint();
    initCopy();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
