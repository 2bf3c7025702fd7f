/* Elvie's tablet app.
 *
 * Runs in Pepper's old Android WebView (NAOqi 2.5): ES5 only — no let/const, arrow functions,
 * template strings, fetch or Promise. The engine owns the state (screen, language, subtitles,
 * what Elvie heard); this page shows it and sends taps. Text is always set with textContent,
 * never innerHTML, so nothing a visitor types can become markup.
 */
(function () {
  "use strict";

  var state = null;        // the engine's view
  var version = -1;
  var session = "";
  var local = null;        // a tablet-only screen (keyboard) over the engine's screen
  var typed = "";          // what is being typed on the on-screen keyboard
  var connectedOnce = false;

  function el(id) { return document.getElementById(id); }

  /* The engine hands the robot's tablet this page's URL with a secret (?key=...); every API call
   * and the event stream carry it. Without it (or after the engine rotated it) the API answers 401
   * and the page shows "connection lost" until the robot loads the new URL. */
  var tabletKey = (function () {
    var match = /[?&]key=([^&#]*)/.exec(window.location.search);
    return match ? decodeURIComponent(match[1]) : "";
  })();

  function api(path) {
    return path + (path.indexOf("?") < 0 ? "?" : "&") + "key=" + encodeURIComponent(tabletKey);
  }

  function label(key) {
    return (state && state.labels && state.labels[key]) || "";
  }

  function request(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      if (done) { done(xhr.status, data); }
    };
    xhr.send(body ? JSON.stringify(body) : null);
  }

  function touch(button, value) {
    local = null;
    request("POST", api("/api/tablet/touch"), {button: button, value: value === undefined ? null : value});
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function button(text, id, value, kind) {
    var b = make("button", "btn" + (kind ? " btn-" + kind : ""), text);
    b.type = "button";
    b.setAttribute("data-button", id);
    if (value !== undefined && value !== null) { b.setAttribute("data-value", value); }
    b.onclick = function () { touch(id, value); };
    return b;
  }

  function localButton(text, screen, kind) {
    var b = make("button", "btn" + (kind ? " btn-" + kind : ""), text);
    b.type = "button";
    b.setAttribute("data-button", "open_" + screen);
    b.onclick = function () { openKeyboard(screen); };
    return b;
  }

  function row(children) {
    var r = make("div", "row");
    for (var i = 0; i < children.length; i++) { r.appendChild(children[i]); }
    return r;
  }

  function info(text, className) {
    return make("p", "info" + (className ? " " + className : ""), text);
  }

  /* ------------------------------------------------------------------ on-screen keyboard */

  var LETTERS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
  var EXTRA = ["é", "ë", "ï", "ö", "ü", "ç", "ş", "ğ", "ı", "-", "'"];
  var CODE_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

  function openKeyboard(screen) {
    local = screen;
    typed = "";
    render();
  }

  function keyboard(kind) {
    var box = make("div", "keyboard");
    box.setAttribute("role", "group");
    var field = make("div", "typed", typed || " ");
    field.id = "typed";
    field.setAttribute("role", "status");  /* read out as it changes; labelled by the line above */
    box.appendChild(make("p", "field-label", label(kind === "name" ? "name_field_label" :
                                                   (kind === "code" ? "code_field_label" : "you_typed"))));
    box.appendChild(field);
    var rows = kind === "name" ? LETTERS.concat([EXTRA.join("")]) : CODE_ROWS;
    for (var r = 0; r < rows.length; r++) {
      var line = make("div", "keys");
      var chars = kind === "name" && r === rows.length - 1 ? EXTRA : rows[r].split("");
      for (var c = 0; c < chars.length; c++) {
        line.appendChild(key(chars[c], kind === "code" ? chars[c].toUpperCase() : chars[c]));
      }
      box.appendChild(line);
    }
    var controls = make("div", "keys");
    if (kind === "name") { controls.appendChild(action(label("btn_space"), function () { type(" "); }, "wide")); }
    controls.appendChild(action(label("btn_backspace"), function () { typed = typed.slice(0, -1); update(); }));
    controls.appendChild(action(label("btn_clear"), function () { typed = ""; update(); }));
    var search = action(label("btn_search"), function () {
      var value = typed.replace(/^\s+|\s+$/g, "");
      if (!value) { return; }
      touch(kind === "name" ? "name" : (kind === "code" ? "booking_code" : "text"), value);
    }, "primary");
    search.setAttribute("data-button", "submit");
    controls.appendChild(search);
    box.appendChild(controls);
    return box;
  }

  function key(ch, shown) {
    var b = make("button", "key", shown);
    b.type = "button";
    b.setAttribute("data-key", ch);
    b.setAttribute("aria-label", shown);
    b.onclick = function () { type(shown); };
    return b;
  }

  function action(text, handler, kind) {
    var b = make("button", "key key-action" + (kind ? " key-" + kind : ""), text);
    b.type = "button";
    b.onclick = handler;
    return b;
  }

  function type(ch) {
    if (typed.length < 60) { typed += ch; }
    update();
  }

  function update() {
    var field = el("typed");
    if (field) { field.textContent = typed || " "; }
  }

  /* ------------------------------------------------------------------ screens */

  function data(name) { return (state && state.data && state.data[name]) || ""; }

  function startButtons(box) {
    box.appendChild(row([button(label("btn_check_in"), "check_in", null, "primary"),
                         button(label("btn_no_appointment"), "no_appointment")]));
  }

  function nameButtons(box) {
    box.appendChild(row([localButton(label("btn_type_name"), "type_name", "primary"),
                         localButton(label("btn_booking_code"), "booking_code")]));
  }

  var SCREENS = {
    welcome: function (box) {
      startButtons(box);
      box.appendChild(row([button(label("btn_servicecentrum"), "servicecentrum", null, "secondary"),
                           button(label("btn_werkacademie"), "werkacademie", null, "secondary")]));
    },
    listening: function (box) { startButtons(box); },
    ask_name: function (box) { nameButtons(box); },
    type_name: function (box) { box.appendChild(keyboard("name")); },
    booking_code: function (box) { box.appendChild(keyboard("code")); },
    candidates: function (box) {
      var list = (state.data && state.data.candidates) || [];
      var buttons = [];
      for (var i = 0; i < list.length; i++) {
        // times and services only: never a name on the touch list
        var text = label("appointment_at") + " " + list[i].time + (list[i].service ? " · " + list[i].service : "");
        buttons.push(button(text, "candidate", String(list[i].index), "primary"));
      }
      box.appendChild(row(buttons));
      box.appendChild(row([button(label("btn_none_of_these"), "none_of_these")]));
    },
    confirm_appointment: function (box) {
      var card = make("div", "card");
      card.appendChild(make("p", "card-time", data("time")));
      card.appendChild(make("p", "card-text", data("service")));
      box.appendChild(card);
      box.appendChild(row([button(label("btn_yes"), "yes", null, "primary"), button(label("btn_no"), "no")]));
    },
    document: function (box) {
      var total = state.data && state.data.total;
      if (total) {
        box.appendChild(info(label("document_step") + " " + state.data.step + " " + label("of") + " " + total, "step"));
      }
      box.appendChild(make("p", "card-text big", data("document")));
      box.appendChild(row([button(label("btn_have_it"), "have_it", null, "primary"),
                           button(label("btn_missing_it"), "missing_it")]));
    },
    missing_document: function (box) {
      if (data("advice")) { box.appendChild(info(data("advice"))); }
    },
    ticket: function (box) {
      box.appendChild(make("p", "ticket", data("ticket")));
      if (data("waiting")) { box.appendChild(info(data("waiting"))); }
      box.appendChild(row([button(label("btn_done"), "goodbye", null, "primary")]));
    },
    walk_in_services: function (box) {
      var list = (state.data && state.data.services) || state.services || [];
      var buttons = [];
      for (var i = 0; i < list.length; i++) {
        buttons.push(button(list[i].name, "service", list[i].key, "choice"));
      }
      box.appendChild(row(buttons));
    },
    no_appointment: function (box) {
      box.appendChild(row([button(label("btn_start_over"), "start_over")]));
    },
    wrong_location: function (box) {
      if (data("location")) {
        var card = make("div", "card");
        card.appendChild(make("p", "card-text", data("location")));
        card.appendChild(make("p", "card-time", data("address")));
        box.appendChild(card);
      }
      box.appendChild(row([button(label("btn_start_over"), "start_over")]));
    },
    werkacademie: function (box) { startButtons(box); },
    servicecentrum: function (box) { startButtons(box); },
    handover: function () {},
    not_understood: function (box) {
      startButtons(box);
      nameButtons(box);
    },
    cant_hear: function (box) {
      startButtons(box);
      nameButtons(box);
    },
    goodbye: function () {},
    error: function (box) { box.appendChild(row([button(label("btn_start_over"), "start_over")])); },
    rough_handling: function () {},
    message: function () {}
  };

  /* ------------------------------------------------------------------ rendering */

  function render() {
    if (!state) { return; }
    var screen = local || state.screen;
    document.documentElement.setAttribute("lang", state.lang);
    document.title = label("page_title");
    el("heading").textContent = label("heading_" + (screen === "type_name" ? "type_name" : screen)) || label("heading_message");
    el("subtitle-label").textContent = label("elvie_says");
    el("subtitle").textContent = local ? "" : (state.subtitle || "");
    el("indicator").textContent = label("status_" + (state.indicator || "idle"));
    el("indicator").className = "indicator indicator-" + (state.indicator || "idle");
    el("lang").textContent = label("other_language");
    el("lang").setAttribute("lang", label("other_language_code"));
    el("lang").onclick = function () { touch("language", label("other_language_code")); };
    el("help").textContent = label("btn_help");
    el("help").onclick = function () { touch("help"); };
    renderHeard();
    var box = el("screen");
    clear(box);
    box.setAttribute("data-screen", screen);
    document.body.setAttribute("data-screen", screen);
    if (SCREENS[screen]) { SCREENS[screen](box); }
    if (local) {
      box.appendChild(row([closeButton()]));
    }
    renderWarning();
    el("offline").hidden = true;
  }

  function closeButton() {
    var b = make("button", "btn btn-secondary", label("btn_back") || label("btn_start_over"));
    b.type = "button";
    b.setAttribute("data-button", "close_keyboard");
    b.onclick = function () { local = null; render(); };
    return b;
  }

  function renderHeard() {
    var box = el("heard");
    clear(box);
    if (!state.heard || local) { box.hidden = true; return; }
    box.hidden = false;
    box.appendChild(make("span", "heard-label", label(state.heard_source === "speech" ? "heard_label" : "you_typed") + ": "));
    box.appendChild(make("span", "heard-text", state.heard));
    if (state.heard_source === "speech") {
      var fix = make("button", "btn btn-small btn-secondary", label("btn_correct"));
      fix.type = "button";
      fix.setAttribute("data-button", "open_correct");
      fix.onclick = function () { openKeyboard("correct"); };
      box.appendChild(fix);
    }
  }

  function renderWarning() {
    var dialog = el("warning");
    if (state.warning !== "timeout") { dialog.hidden = true; return; }
    dialog.hidden = false;
    el("warning-text").textContent = label("timeout_warning");
    var again = el("warning-continue");
    again.textContent = label("btn_continue");
    again.onclick = function () { touch("continue"); };
    again.focus();
  }

  SCREENS.correct = function (box) { box.appendChild(keyboard("text")); };

  function accept(view) {
    if (view.session !== session) {  // a new visitor: nothing of the previous one stays on screen
      session = view.session;
      local = null;
      typed = "";
    }
    state = view;
    version = view.version;
    connectedOnce = true;
    render();
  }

  function offline() {
    if (!connectedOnce) { return; }
    var note = el("offline");
    note.textContent = label("connection_lost");
    note.hidden = false;
  }

  /* ------------------------------------------------------------------ following the engine */

  function poll() {
    request("GET", api("/api/tablet/state?after=" + version), null, function (status, view) {
      if (status === 200 && view) {
        accept(view);
        setTimeout(poll, 20);
      } else {
        offline();
        setTimeout(poll, 1500);
      }
    });
  }

  function follow() {
    if (!window.EventSource) { poll(); return; }
    var source = new window.EventSource(api("/api/tablet/events"));
    source.onmessage = function (event) {
      try { accept(JSON.parse(event.data)); } catch (e) { /* ignore a broken message */ }
    };
    source.onerror = function () {
      offline();
      if (source.readyState === 2) {  // closed for good: fall back to polling
        setTimeout(poll, 1000);
      }
    };
  }

  request("GET", api("/api/tablet/state"), null, function (status, view) {
    if (status === 200 && view) { accept(view); }
    follow();
  });
})();
