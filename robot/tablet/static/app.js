/* Elvie's tablet app. ES5 only (Pepper's NAOqi 2.5 tablet has an old Android WebView):
   no arrow functions, no let/const, no fetch, no template strings. Text is always set with
   textContent, never innerHTML, so nothing a visitor types can become markup. */
(function () {
  "use strict";
  var state = null;
  var version = -1;

  function el(id) { return document.getElementById(id); }

  function label(key) {
    return (state && state.labels && state.labels[key]) || key;
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
    request("POST", "/api/tablet/touch", {button: button, value: value === undefined ? null : value});
  }

  function button(text, id, value, secondary) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = secondary ? "btn btn-secondary" : "btn";
    b.textContent = text;
    b.setAttribute("data-button", id);
    if (value !== undefined && value !== null) { b.setAttribute("data-value", value); }
    b.onclick = function () { touch(id, value); };
    return b;
  }

  var SCREENS = {
    welcome: function (box) {
      box.appendChild(button(label("btn_check_in"), "check_in"));
      box.appendChild(button(label("btn_no_appointment"), "no_appointment", null, true));
    },
    confirm_appointment: function (box) {
      box.appendChild(button(label("btn_yes"), "yes"));
      box.appendChild(button(label("btn_no"), "no", null, true));
    },
    document: function (box) {
      box.appendChild(button(label("btn_have_it"), "have_it"));
      box.appendChild(button(label("btn_missing_it"), "missing_it", null, true));
    },
    ticket: function (box) {
      var t = document.createElement("div");
      t.className = "ticket";
      t.textContent = (state.data && state.data.ticket) || "";
      box.appendChild(t);
    }
  };

  function render() {
    document.documentElement.setAttribute("lang", state.lang);
    document.title = label("page_title");
    el("heading").textContent = label("heading_" + state.screen);
    el("subtitle").textContent = state.subtitle || "";
    el("heard").textContent = state.heard ? (label("heard_label") + ": " + state.heard) : "";
    el("indicator").textContent = label("status_" + (state.indicator || "idle"));
    el("lang").textContent = label("other_language");
    el("lang").onclick = function () { touch("language", label("other_language_code")); };
    el("help").textContent = label("btn_help");
    el("help").onclick = function () { touch("help"); };
    var box = el("screen");
    while (box.firstChild) { box.removeChild(box.firstChild); }
    box.setAttribute("data-screen", state.screen);
    if (SCREENS[state.screen]) { SCREENS[state.screen](box); }
  }

  function poll() {
    request("GET", "/api/tablet/state?after=" + version, null, function (status, data) {
      if (status === 200 && data) {
        state = data;
        version = data.version;
        render();
        setTimeout(poll, 10);
      } else {
        setTimeout(poll, 1000);
      }
    });
  }

  poll();
})();
