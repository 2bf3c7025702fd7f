"use strict";
// The fleet status page: one card per robot, refreshed every 5 s from /api/fleet (counts and states only).
const FACTS = [["Connection", r => r.connected ? "connected" : "not connected"],
  ["Battery", r => r.battery_percent === null ? "–" : `${r.battery_percent} %`],
  ["State", r => r.state], ["Conversations", r => r.conversations], ["Check-ins", r => r.check_ins],
  ["Handovers", r => r.handovers], ["Not understood", r => r.not_understood], ["Errors", r => r.errors],
  ["Engine restarts", r => r.restarts]];

function card(robot) {
  const section = document.createElement("section");
  section.className = robot.connected ? "up" : "down";
  const title = document.createElement("h2");
  title.textContent = robot.robot;
  const location = document.createElement("p");
  location.className = "location";
  location.textContent = robot.location;
  const facts = document.createElement("dl");
  facts.className = "facts";
  for (const [label, value] of FACTS) {
    const dt = document.createElement("dt"); dt.textContent = label;
    const dd = document.createElement("dd"); dd.textContent = String(value(robot));
    facts.append(dt, dd);
  }
  section.append(title, location, facts);
  return section;
}

async function refresh() {
  try {
    const response = await fetch("/api/fleet", {cache: "no-store"});
    const data = await response.json();
    document.getElementById("robots").replaceChildren(...data.robots.map(card));
    const pool = data.recognition;
    document.getElementById("recognition").textContent = pool ?
      `speech: ${pool.waiting} waiting, ${pool.delayed} "one moment"` : "speech off";
    document.getElementById("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    document.getElementById("updated").textContent = "no answer from Elvie";
  }
}
refresh();
setInterval(refresh, 5000);
