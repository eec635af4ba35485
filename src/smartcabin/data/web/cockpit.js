// The web cockpit: draws the car from the service's signals and events, and talks as a seat.
// Everything shown comes in through textContent (never innerHTML): what a user says is escaped.
"use strict";
const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
const auth = token ? { Authorization: "Bearer " + token } : {};
const signals = {};
let lastSeq = null;
let boot = null;  // which run of the service the numbers belong to
const session = "web-" + Math.random().toString(36).slice(2, 10);

const T = {
  en: { seat: "Seat", language: "Language", car: "Car", conversation: "Conversation", send: "Send",
        scenario: "Scenario", speed: "Speed km/h", gear: "Gear", light: "Light", rain: "Rain %",
        outside: "Outside °C", apply: "Apply", media: "Media", navigation: "Navigation", phone: "Phone",
        reminders: "Reminders", live: "live", reconnecting: "reconnecting…", none: "—",
        playing: "Player", track: "Track", volume: "Volume", destination: "Destination", guiding: "Guidance",
        call: "Call", contact: "Contact", talk: "Hold to talk", listening: "listening…", heard: "heard",
        not_heard: "not heard" },
  zh: { seat: "座位", language: "语言", car: "车辆", conversation: "对话", send: "发送",
        scenario: "场景", speed: "车速 km/h", gear: "挡位", light: "光线", rain: "雨量 %",
        outside: "车外 °C", apply: "应用", media: "媒体", navigation: "导航", phone: "电话",
        reminders: "提醒", live: "已连接", reconnecting: "重新连接中…", none: "—",
        playing: "播放器", track: "曲目", volume: "音量", destination: "目的地", guiding: "导航中",
        call: "通话", contact: "联系人", talk: "按住说话", listening: "正在听…", heard: "听到",
        not_heard: "没听清" },
};
let lang = "en";
const t = (k) => (T[lang] && T[lang][k]) || T.en[k] || k;

function el(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}
function svg(tag, attrs) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// -- the drawing: a window, a door and a seat per zone, a temperature per station ---------------
const ZONES = { "Row1.DriverSide": [40, 95], "Row1.PassengerSide": [110, 95], "Row2.DriverSide": [40, 215], "Row2.PassengerSide": [110, 215] };
const STATION = { "Row1.DriverSide": "Row1.Driver", "Row1.PassengerSide": "Row1.Passenger", "Row2.DriverSide": "Row2.Driver", "Row2.PassengerSide": "Row2.Passenger" };
function buildCar() {
  const g = document.getElementById("zones");
  for (const [zone, [x, y]] of Object.entries(ZONES)) {
    const left = x < 100;
    g.appendChild(svg("rect", { class: "door", id: "door-" + zone, x: left ? 32 : 166, y: y - 5, width: 2, height: 80 }));
    g.appendChild(svg("rect", { class: "win", id: "win-" + zone, x: left ? 26 : 168, y: y, width: 6, height: 0 }));
    g.appendChild(svg("rect", { class: "seat", id: "seat-" + zone, x: x + 5, y: y + 10, width: 40, height: 50, rx: 8 }));
    const label = svg("text", { class: "temp", id: "temp-" + zone, x: x + 8, y: y + 75 });
    g.appendChild(label);
  }
}
function draw() {
  for (const zone of Object.keys(ZONES)) {
    const pos = Number(signals[`Vehicle.Cabin.Door.${zone}.Window.Position`] || 0);
    const win = document.getElementById("win-" + zone);
    win.setAttribute("height", String(Math.round(pos * 0.7)));
    win.dataset.position = String(pos);
    const door = document.getElementById("door-" + zone);
    door.classList.toggle("open", !!signals[`Vehicle.Cabin.Door.${zone}.IsOpen`]);
    const heat = Number(signals[`Vehicle.Cabin.Seat.${zone}.HeatingCooling`] || 0);
    const seat = document.getElementById("seat-" + zone);
    seat.style.fill = heat > 0 ? "var(--warm)" : heat < 0 ? "var(--cool)" : "";
    seat.dataset.heating = String(heat);
    const temp = signals[`Vehicle.Cabin.HVAC.Station.${STATION[zone]}.Temperature`];
    document.getElementById("temp-" + zone).textContent = temp === undefined ? "" : `${temp}°C`;
  }
  const roof = Number(signals["Vehicle.Cabin.Sunroof.Position"] || 0);
  const open = document.getElementById("sunroof-open");
  open.setAttribute("height", String(Math.round(Math.max(0, roof) * 0.7)));
  open.dataset.position = String(roof);
  for (const lamp of document.querySelectorAll("[data-signal]")) lamp.classList.toggle("on", !!signals[lamp.dataset.signal]);
  document.getElementById("trunk").style.fill = Number(signals["Vehicle.Body.Trunk.Rear.Position"] || 0) > 0 ? "var(--warm)" : "";
  panel("media", [["playing", "Vehicle.Cabin.Infotainment.Media.Action"], ["track", "Vehicle.Cabin.Infotainment.Media.Request.Track"], ["volume", "Vehicle.Cabin.Infotainment.Media.Volume"]]);
  panel("nav", [["destination", "Vehicle.Cabin.Infotainment.Navigation.DestinationSet.Name"], ["guiding", "Vehicle.Cabin.Infotainment.Navigation.IsGuidanceActive"]]);
  panel("phone", [["call", "Vehicle.Cabin.Infotainment.Phone.Call.State"], ["contact", "Vehicle.Cabin.Infotainment.Phone.Call.Contact"]]);
}
function panel(id, rows) {
  const box = document.getElementById(id);
  box.replaceChildren(...rows.map(([k, path]) => {
    const row = el("div", { class: "panel-row" });
    const v = signals[path];
    row.append(el("span", {}, t(k)), el("span", { "data-path": path }, v === undefined || v === "" ? t("none") : String(v)));
    return row;
  }));
}

// -- the conversation ------------------------------------------------------------------------
const turns = {};  // "session:turn" -> its entry in the log
function entry(ev) {
  const key = ev.session + ":" + ev.turn;
  if (!turns[key]) {
    const box = el("div", { class: "turn", "data-session": ev.session, "data-turn": String(ev.turn) });
    box.append(el("div", { class: "said" }), el("div", { class: "meta" }), el("div", { class: "reply" }), el("ul", { class: "changes" }));
    document.getElementById("log").appendChild(box);
    turns[key] = box;
  }
  return turns[key];
}
function onTurnEvent(ev) {
  const box = entry(ev);
  const d = ev.data;
  if (ev.type === "turn.started") box.querySelector(".said").textContent = `[${d.zone}] ${d.text}`;
  if (ev.type === "turn.ack" || ev.type === "turn.sentence") box.querySelector(".reply").textContent += d.text + " ";
  if (ev.type === "turn.outcome") {
    box.classList.add(d.outcome);
    box.dataset.outcome = d.outcome;
    box.querySelector(".meta").textContent = `${d.route} · ${d.latency_ms} ms · ${d.outcome}`;
    box.querySelector(".reply").textContent = d.reply;
    box.querySelector(".changes").replaceChildren(...Object.entries(d.changes).map(([p, v]) => el("li", {}, `${p} = ${v}`)));
  }
  const log = document.getElementById("log");
  log.scrollTop = log.scrollHeight;
}

// what another screen's microphone heard (this page shows its own from the answer it gets)
function onVoiceEvent(ev) {
  if (ev.session === session || !["voice.transcript", "voice.not_heard"].includes(ev.type)) return;
  const d = ev.data;
  const said = ev.type === "voice.transcript" ? `${d.text} · ${d.engine} · ${d.ms} ms` : t("not_heard");
  const line = el("div", { class: "heard voice-event", "data-session": ev.session, "data-type": ev.type },
                  `🎤 [${d.zone}] ${said}`);
  const log = document.getElementById("log");
  log.appendChild(line);
  log.scrollTop = log.scrollHeight;
}

async function api(path, body) {
  const r = await fetch(path, { method: body ? "POST" : "GET", headers: { "Content-Type": "application/json", ...auth },
                                body: body ? JSON.stringify(body) : undefined });
  const data = await r.json();
  if (!r.ok) {  // a refused request says why, in the log, as text
    const box = el("div", { class: "turn refused", "data-error": String(r.status) });
    box.append(el("div", { class: "reply" }, `${r.status}: ${typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)}`));
    document.getElementById("log").appendChild(box);
  }
  return data;
}
document.getElementById("ask").addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = document.getElementById("say");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  await api("/v1/turns", { text, zone: document.getElementById("seat").value, session });
  refreshReminders();
});
document.getElementById("apply-scenario").addEventListener("click", async () => {
  await api("/v1/scenario", { speed: Number(document.getElementById("speed").value),
                              gear: Number(document.getElementById("gear").value),
                              light: document.getElementById("light").value,
                              rain: Number(document.getElementById("rain").value),
                              outside_temperature: Number(document.getElementById("outside").value) });
});
document.getElementById("lang").addEventListener("change", (e) => {
  lang = e.target.value;
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  draw();
});
// -- press-to-talk: the microphone while the button is held, sent as 16 kHz WAV; the reply is spoken
let recording = null;
async function startTalk() {
  if (recording) return;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true } });
  const ctx = new AudioContext();
  const node = ctx.createScriptProcessor(4096, 1, 1);
  const chunks = [];
  node.onaudioprocess = (e) => chunks.push(new Float32Array(e.inputBuffer.getChannelData(0)));
  ctx.createMediaStreamSource(stream).connect(node);
  node.connect(ctx.destination);
  recording = { stream, ctx, node, chunks };
  document.getElementById("talk").textContent = t("listening");
}
function wav16k(chunks, rate) {  // mono float samples at `rate` -> 16 kHz 16-bit WAV (averaging: a crude low-pass)
  const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  const step = rate / 16000, n = Math.floor(all.length / step), pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.floor(i * step), b = Math.max(a + 1, Math.floor((i + 1) * step));
    let sum = 0;
    for (let j = a; j < b; j++) sum += all[j];
    pcm[i] = Math.max(-32768, Math.min(32767, Math.round((sum / (b - a)) * 32767)));
  }
  const buf = new ArrayBuffer(44 + pcm.length * 2), v = new DataView(buf);
  const put = (o, s) => { for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); };
  put(0, "RIFF"); v.setUint32(4, 36 + pcm.length * 2, true); put(8, "WAVE"); put(12, "fmt ");
  v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true); v.setUint32(24, 16000, true);
  v.setUint32(28, 32000, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true); put(36, "data");
  v.setUint32(40, pcm.length * 2, true);
  new Int16Array(buf, 44).set(pcm);
  return buf;
}
async function stopTalk() {
  if (!recording) return;
  const { stream, ctx, node, chunks } = recording;
  recording = null;
  document.getElementById("talk").textContent = t("talk");
  node.disconnect();
  stream.getTracks().forEach((track) => track.stop());
  const rate = ctx.sampleRate;
  await ctx.close();
  const q = new URLSearchParams({ session, zone: document.getElementById("seat").value });
  const r = await fetch(`/v1/audio/turns?${q}`, { method: "POST", headers: { "Content-Type": "audio/wav", ...auth },
                                                  body: wav16k(chunks, rate) });
  const data = await r.json();
  const heard = r.ok ? data.transcript.text : `${r.status}: ${data.detail}`;
  const line = el("div", { class: "heard", "data-heard": r.ok && data.turn ? "yes" : "no" },
                  `${data.turn ? t("heard") : t("not_heard")}: ${heard}`);
  document.getElementById("log").appendChild(line);
  if (r.ok && data.reply_audio) new Audio("data:audio/wav;base64," + data.reply_audio).play().catch(() => {});
}
const talk = document.getElementById("talk");
talk.addEventListener("pointerdown", (e) => { e.preventDefault(); startTalk(); });
for (const end of ["pointerup", "pointerleave"]) talk.addEventListener(end, () => stopTalk());

async function refreshReminders() {
  const { reminders } = await api("/v1/reminders");
  document.getElementById("reminders").replaceChildren(...(reminders || []).map((r) => el("div", { class: "panel-row" }, `${r.when || r.condition} ${r.title}`)));
}

// -- the live stream: reconnects after the service restarts, resuming after the last event ----
let backoff = 250;
function connect() {
  const q = new URLSearchParams();
  if (lastSeq !== null) q.set("since", String(lastSeq));
  if (boot !== null) q.set("boot", boot);
  if (token) q.set("token", token);
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/v1/events?${q}`);
  const status = document.getElementById("ws-status");
  ws.onmessage = (m) => {
    const ev = JSON.parse(m.data);
    if (ev.type === "hello") {
      Object.assign(signals, ev.signals);
      if (ev.boot !== boot) {  // a restarted service: its numbers and its turns start again
        boot = ev.boot;
        lastSeq = ev.seq;
        for (const key of Object.keys(turns)) delete turns[key];
      }
      status.textContent = t("live"); status.className = "live"; backoff = 250;
      draw();
      return;
    }
    lastSeq = ev.seq;
    if (ev.type === "signal.changed") { Object.assign(signals, ev.data.changes); draw(); }
    else if (ev.type.startsWith("voice.")) onVoiceEvent(ev);
    else onTurnEvent(ev);
  };
  ws.onclose = () => {
    status.textContent = t("reconnecting"); status.className = "";
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 4000);
  };
}
buildCar();
connect();
refreshReminders();
