// The virtual Pepper's desktop UI: robot state, sensors, text and microphone input, Qmatic panel.
// All visitor-provided text is set with textContent.
"use strict";
const $ = (id) => document.getElementById(id);
const post = (url, body) => fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
  body: body === undefined ? null : JSON.stringify(body)});
let tabletUrl = null;
let lastJoints = {};
const SVG = "http://www.w3.org/2000/svg";

function renderTablet(s) {
  const t = s.tablet || {};
  const mode = t.mode || null;
  $("tablet").hidden = mode !== "webview";
  $("tablet-image").hidden = mode !== "image";
  $("tablet-video").hidden = mode !== "video";
  if (mode === "image" && $("tablet-image").getAttribute("src") !== t.image) $("tablet-image").src = t.image;
  if (mode === "video" && $("tablet-video").getAttribute("src") !== t.video) $("tablet-video").src = t.video;
  const dialog = t.dialog;
  $("tablet-dialog").hidden = !dialog;
  $("tablet-dialog").textContent = dialog ? `${dialog.title}   [${dialog.ok}]  [${dialog.cancel}]` : "";
  $("tablet-off").hidden = t.screen_on !== false;
  $("tablet-frame").style.filter = t.brightness !== undefined ? `brightness(${0.3 + 0.7 * t.brightness})` : "";
  $("tablet-frame").style.background = t.background || "#000";
  $("tablet-mode").textContent = mode ? `showing: ${mode}` + (mode === "image" ? ` ${t.image}` : mode === "video" ? ` ${t.video}${t.video_paused ? " (paused)" : ""}` : "") : "tablet: nothing shown";
}

function renderBody(s) {
  const rows = $("joints"); rows.textContent = "";
  for (const [name, angle] of Object.entries(s.joints || {})) {
    const tr = document.createElement("tr");
    if (lastJoints[name] !== undefined && Math.abs(lastJoints[name] - angle) > 1e-3) tr.className = "moving";
    for (const v of [name, angle.toFixed(2)]) { const td = document.createElement("td"); td.textContent = v; tr.appendChild(td); }
    rows.appendChild(tr);
  }
  lastJoints = {...(s.joints || {})};
  const [x, y, theta] = s.base_pose || [0, 0, 0];
  // world frame: x forward (up on screen), y to the left
  $("robot-marker").setAttribute("transform", `translate(${-y} ${-x}) rotate(${-90 - theta * 180 / Math.PI})`);
  const people = $("people"); people.textContent = "";
  for (const p of s.people || []) {
    const c = document.createElementNS(SVG, "circle");
    c.setAttribute("cx", String(-(y + p.position[1]))); c.setAttribute("cy", String(-(x + p.position[0])));
    c.setAttribute("r", "0.18"); c.setAttribute("fill", "#e08a00"); people.appendChild(c);
  }
}

function renderAbilities(s) {
  const box = $("abilities");
  if (!box.children.length) {
    for (const name of Object.keys(s.abilities || {})) {
      const b = document.createElement("button"); b.className = "ability"; b.dataset.name = name; b.textContent = name;
      b.onclick = () => post("/api/ability/" + name, {enabled: b.classList.contains("off")});
      box.appendChild(b);
    }
  }
  for (const b of box.children) b.classList.toggle("off", !(s.abilities || {})[b.dataset.name]);
}

function render(s) {
  $("connection").textContent = "connected";
  if (s.tablet_url && s.tablet_url !== tabletUrl && (s.tablet || {}).mode === "webview") {
    tabletUrl = s.tablet_url; $("tablet").src = s.tablet_url; $("tablet-url").textContent = s.tablet_url;
  }
  const last = s.spoken.length ? s.spoken[s.spoken.length - 1] : null;
  $("bubble").textContent = last ? last.text : "";
  $("bubble").classList.toggle("speaking", !!s.speaking);
  $("gesture").textContent = s.current_gesture || "–";
  $("posture").textContent = s.posture + (s.awake ? " (awake)" : "");
  $("head").textContent = `yaw ${s.head.HeadYaw.toFixed(2)}, pitch ${s.head.HeadPitch.toFixed(2)}`;
  $("life").textContent = s.autonomous_life;
  $("tracking").textContent = `${s.tracking_mode} / ${s.engagement_mode}`;
  $("base").textContent = String(s.base_moves.length);
  $("audio").textContent = s.audio_subscribers.length ? "listening: " + s.audio_subscribers.join(", ") : "off";
  $("eye-left").style.background = s.leds.LeftFaceLeds || "#ffffff";
  $("eye-right").style.background = s.leds.RightFaceLeds || "#ffffff";
  const ears = s.leds.EarLeds && s.leds.EarLeds !== "mixed" ? s.leds.EarLeds : "#0000ff";
  $("ear-left").style.background = ears; $("ear-right").style.background = ears;
  $("chest").style.background = s.leds.ChestLeds || "#ffffff";
  $("battery").textContent = `${s.battery} %`;
  const r = s.recognition || {};
  $("recognition").textContent = r.running ? `${r.paused ? "paused" : "listening"} (${r.language}): ${(r.vocabulary || []).join(", ")}` + (r.last ? ` — heard ${r.last[0]} (${r.last[1]})` : "") : "off";
  $("people-list").textContent = (s.people || []).length ? s.people.map((p) => `#${p.id} at ${p.distance} m`).join(", ") : "none";
  renderTablet(s); renderBody(s); renderAbilities(s);
  const report = [...s.events].reverse().find((e) => e.name === "Elvie/ContentProblems");
  const problems = report ? JSON.parse(report.value || "[]") : [];
  $("problems").hidden = problems.length === 0;
  $("problems").textContent = problems.length ? "Content problems (Elvie keeps the last good version):\n" + problems.join("\n") : "";
  const log = $("log"); log.textContent = "";
  for (const item of s.log.slice(-60)) {
    const li = document.createElement("li"); li.className = item.who;
    li.textContent = (item.who === "elvie" ? "Elvie: " : item.who === "visitor" ? "Visitor: " : "· ") + item.text;
    log.appendChild(li);
  }
  log.scrollTop = log.scrollHeight;
}

function follow() {
  const source = new EventSource("/api/events");
  source.onmessage = (e) => render(JSON.parse(e.data));
  source.onerror = () => { $("connection").textContent = "reconnecting…"; };
}

document.querySelectorAll("[data-sensor]").forEach((b) => b.onclick = () => post("/api/sensor/" + b.dataset.sensor));
$("push").onclick = () => post("/api/push");
$("arrive").onclick = () => post("/api/person/arrive");
$("leave").onclick = () => post("/api/person/leave");
$("closer").onclick = () => post("/api/person/closer");
$("tablet-image").onclick = (e) => {
  const box = e.target.getBoundingClientRect();
  post("/api/tablet/touch", {x: (e.clientX - box.left) / box.width * 1280, y: (e.clientY - box.top) / box.height * 800});
};
$("set-life").onclick = () => post("/api/life/" + $("life-state").value);
$("say-form").onsubmit = (e) => { e.preventDefault(); const t = $("say").value.trim(); if (t) { post("/api/text", {text: t}); $("say").value = ""; } };

// Browser microphone -> 16 kHz mono 16-bit -> web socket -> the robot's front microphone.
let mic = null;
$("mic").onclick = async () => {
  if (mic) { mic.stop(); mic = null; $("mic").textContent = "🎤 Start microphone"; $("mic").classList.remove("on"); return; }
  const stream = await navigator.mediaDevices.getUserMedia({audio: {channelCount: 1, echoCancellation: true}});
  const ctx = new AudioContext();
  const src = ctx.createMediaStreamSource(stream);
  const proc = ctx.createScriptProcessor(4096, 1, 1);
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/mic");
  ws.binaryType = "arraybuffer";
  const ratio = ctx.sampleRate / 16000;
  let pos = 0;  // read position in the current buffer, carried over so no sample is skipped between buffers
  proc.onaudioprocess = (e) => {
    const input = e.inputBuffer.getChannelData(0);
    const out = [];
    // Each 16 kHz sample is the mean of the input samples it covers: a crude low-pass, so sounds
    // above 8 kHz do not fold back into the speech band (picking every third sample would alias).
    for (; pos + ratio <= input.length; pos += ratio) {
      const start = Math.max(0, Math.floor(pos)), end = Math.max(start + 1, Math.floor(pos + ratio));
      let sum = 0;
      for (let j = start; j < end; j++) sum += input[j];
      const v = Math.max(-1, Math.min(1, sum / (end - start)));
      out.push(v < 0 ? v * 0x8000 : v * 0x7fff);
    }
    pos -= input.length;
    if (ws.readyState === 1) ws.send(Int16Array.from(out).buffer);
  };
  src.connect(proc); proc.connect(ctx.destination);
  mic = {stop: () => { proc.disconnect(); src.disconnect(); stream.getTracks().forEach((t) => t.stop()); ws.close(); ctx.close(); }};
  $("mic").textContent = "■ Stop microphone"; $("mic").classList.add("on");
};

async function qmatic() {
  try {
    const r = await fetch("/api/qmatic/state");
    if (!r.ok) { $("faults").textContent = "Qmatic emulator: " + r.status; return; }
    const s = await r.json();
    const body = $("appointments"); body.textContent = "";
    for (const a of (s.appointments || [])) {
      const tr = document.createElement("tr");
      const customer = (a.customers && a.customers[0]) || {};
      for (const v of [(a.startTime || "").slice(11, 16), `${customer.firstName || ""} ${customer.lastName || ""}`,
                       (a.services && a.services[0] && a.services[0].name) || "", a.branchId, a.status]) {
        const td = document.createElement("td"); td.textContent = String(v); tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    $("faults").textContent = "Faults: " + (JSON.stringify(s.faults || {}) || "none");
  } catch (e) { $("faults").textContent = "Qmatic emulator not reachable"; }
}
$("add-fault").onclick = async () => { await post("/api/qmatic/faults", {endpoint: $("fault-endpoint").value, kind: $("fault-kind").value}); qmatic(); };
$("clear-faults").onclick = async () => { await fetch("/api/qmatic/faults", {method: "DELETE"}); qmatic(); };

follow(); qmatic(); setInterval(qmatic, 5000);
