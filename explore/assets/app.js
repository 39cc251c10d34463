// imcheck explore: the page's logic. Plain DOM, no framework; every value
// from the server is inserted as text, never as HTML (the only HTML is the
// SVG that Mermaid renders in strict mode).
"use strict";

const state = { models: [], variants: [], suites: [], replay: false,
  selected: null, attack: null, step: 0, sourceModel: null, diagramN: 0 };

const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}
function status(text) { $("status").textContent = text; }

async function api(path, body) {
  const opt = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const r = await fetch(path, opt);
  const j = await r.json().catch(() => ({ error: "explore: the server answered " + r.status }));
  if (!r.ok) throw new Error(j.error || ("HTTP " + r.status));
  return j;
}

function badgeClass(v) {
  return { "attack": "attack", "proved": "proved", "no-attack-within-bound": "bounded", "timeout": "timeout", "unreached": "unreached", "not-applicable": "unreached" }[v] || "bounded";
}
function badgeText(v) {
  return { "attack": "attack", "proved": "proved", "no-attack-within-bound": "bounded", "timeout": "timeout", "unreached": "unreached", "not-applicable": "not applicable" }[v] || v;
}

// --- the model tree -------------------------------------------------------

function renderModels() {
  const nav = $("models");
  nav.replaceChildren();
  const f = $("filter").value.trim().toLowerCase();
  for (const m of state.models) {
    const md = el("details", { class: "model", open: "" },
      el("summary", {}, m.name + "  ", el("span", { class: "muted" }, m.protocol)));
    md.append(el("div", { class: "muted", style: "margin-left:12px;font-size:12px" }, m.file + " · ",
      el("a", { href: "#", "data-source": m.name, onclick: (e) => { e.preventDefault(); openSource(m.name); } }, "source")));
    let shown = 0;
    for (const s of m.scenarios) {
      const sd = el("details", { class: "scenario", open: "" }, el("summary", {}, "scenario " + s.name + " · " + s.bound));
      const ul = el("ul");
      for (const c of s.claims) {
        const hay = (c.attack_id + " " + c.text + " " + c.verdict + " " + c.kind).toLowerCase();
        if (f && !hay.includes(f)) continue;
        const li = el("li", { "data-id": c.attack_id, "data-verdict": c.verdict, title: c.strength },
          el("span", { class: "badge " + badgeClass(c.verdict) }, badgeText(c.verdict)),
          el("span", { class: "cid" }, c.id), el("span", { class: "muted" }, c.text));
        if (state.selected && state.selected.attack_id === c.attack_id) li.classList.add("selected");
        li.addEventListener("click", () => selectClaim(m, s, c));
        ul.append(li);
        shown++;
      }
      sd.append(ul);
      md.append(sd);
    }
    if (!f || shown > 0) nav.append(md);
  }
}

function findClaim(id) {
  for (const m of state.models) for (const s of m.scenarios) for (const c of s.claims) if (c.attack_id === id) return [m, s, c];
  return null;
}

// --- one claim ------------------------------------------------------------

async function selectClaim(m, s, c) {
  state.selected = c;
  state.attack = null;
  showTab("claim");
  for (const li of document.querySelectorAll("nav li")) li.classList.toggle("selected", li.dataset.id === c.attack_id);
  history.replaceState(null, "", "#" + encodeURIComponent(c.attack_id));
  $("claim-empty").hidden = true;
  $("claim").hidden = false;
  $("claim-title").textContent = c.attack_id;
  $("claim-strength").replaceChildren(el("span", { class: "badge " + badgeClass(c.verdict) }, badgeText(c.verdict)), " ",
    c.kind + ": " + c.text + " (role " + c.role + ", line " + c.line + ") — " + c.strength);
  const paper = $("paper");
  const tb = paper.querySelector("tbody");
  tb.replaceChildren();
  for (const p of c.paper || []) tb.append(el("tr", {}, el("td", {}, p.paper), el("td", {}, p.section), el("td", {}, p.words), el("td", {}, p.property + (p.variant ? " (" + p.variant + ")" : ""))));
  paper.hidden = !(c.paper && c.paper.length);
  $("attack").hidden = true;
  if (c.verdict !== "attack") return;
  status("loading the attack…");
  try {
    const av = await api("/api/attack?id=" + encodeURIComponent(c.attack_id));
    if (state.selected !== c) return;
    state.attack = av;
    await renderAttack(av);
    status("");
  } catch (e) { status(e.message); }
}

async function renderAttack(av) {
  $("attack").hidden = false;
  $("attack-bound").textContent = "(" + av.bound + ")";
  $("attack-explanation").textContent = av.explanation;
  const d = $("diagram");
  d.replaceChildren(el("span", { class: "muted" }, "drawing…"));
  try {
    const { svg } = await mermaid.render("diagram-svg-" + (++state.diagramN), av.mermaid);
    d.innerHTML = svg;
  } catch (e) {
    d.replaceChildren(el("pre", { class: "error" }, "Mermaid could not draw this diagram: " + e.message), el("pre", {}, av.mermaid));
  }
  const ol = $("steps");
  ol.replaceChildren();
  av.steps.forEach((st, i) => {
    const li = el("li", { class: "kind-" + st.kind + (st.violated ? " violated" : ""), "data-step": i }, st.text);
    li.addEventListener("click", () => showStep(i));
    ol.append(li);
  });
  $("replay").hidden = !state.replay;
  $("replay-result").hidden = true;
  showStep(0);
}

// diagramTarget maps a step to its element in the Mermaid drawing, in the
// order model/proto writes them: messages for send and receive, notes for
// events, the violated claim and reveals.
function diagramTarget(av, i) {
  let msg = 0, note = 0;
  for (let j = 0; j <= i; j++) {
    const st = av.steps[j];
    const isMsg = st.kind === "send" || st.kind === "recv";
    const isNote = st.kind === "event" || st.kind === "reveal" || (st.kind === "claim" && st.violated);
    if (j === i) return isMsg ? ["message", msg] : isNote ? ["note", note] : null;
    if (isMsg) msg++; else if (isNote) note++;
  }
  return null;
}

function showStep(i) {
  const av = state.attack;
  if (!av) return;
  i = Math.max(0, Math.min(av.steps.length - 1, i));
  state.step = i;
  const st = av.steps[i];
  $("step-pos").textContent = "step " + (i + 1) + " of " + av.steps.length;
  for (const li of $("steps").children) li.classList.toggle("current", Number(li.dataset.step) === i);
  const ol = $("steps"), cur = ol.children[i];
  if (cur && (cur.offsetTop < ol.scrollTop || cur.offsetTop + cur.offsetHeight > ol.scrollTop + ol.clientHeight)) {
    ol.scrollTop = Math.max(0, cur.offsetTop - ol.clientHeight / 2);
  }
  $("step-text").textContent = st.text;
  const dv = $("step-derivation");
  dv.hidden = !st.derived;
  $("derivation").replaceChildren();
  if (st.derived) $("derivation").append(renderDerivation(st.derived));
  const known = [...av.initial];
  for (let j = 0; j <= i; j++) for (const t of av.steps[j].new || []) known.push(t);
  const fresh = new Set(st.new || []);
  $("knows-count").textContent = "(" + known.length + " terms, " + fresh.size + " new)";
  const ul = $("knows");
  ul.replaceChildren();
  for (const t of known) ul.append(el("li", { class: fresh.has(t) ? "new" : "" }, t));
  for (const x of document.querySelectorAll("#diagram .current-step")) x.classList.remove("current-step");
  const tgt = diagramTarget(av, i);
  if (tgt) {
    const svg = $("diagram");
    // one line (or path) per message, one rect per note; a message's text
    // may be several text elements when Mermaid wraps it
    const nodes = tgt[0] === "message" ? svg.querySelectorAll('[class^="messageLine"]') : svg.querySelectorAll("rect.note");
    const n = nodes[tgt[1]];
    if (n) {
      n.classList.add("current-step");
      const box = svg.getBoundingClientRect(), r = n.getBoundingClientRect();
      if (r.top < box.top || r.bottom > box.bottom) svg.scrollTop += r.top - box.top - box.height / 2;
    }
  }
}

function renderDerivation(d) {
  const li = el("li", {}, el("span", { class: "how " + d.how }, d.how), el("span", { class: "t" }, d.term),
    d.note ? el("span", { class: "muted" }, " — " + d.note) : null);
  if (d.from && d.from.length) {
    const ul = el("ul");
    for (const x of d.from) ul.append(renderDerivation(x));
    li.append(ul);
  }
  return li;
}

// --- replay on code -------------------------------------------------------

async function runReplay() {
  const av = state.attack;
  if (!av) return;
  const btn = $("replay-run");
  btn.disabled = true;
  status("replaying on the code…");
  try {
    const r = await api("/api/replay", { id: av.id, variant: $("replay-variant").value, suite: $("replay-suite").value });
    $("replay-result").hidden = false;
    const v = $("replay-verdict");
    v.className = "verdict " + r.outcome;
    v.textContent = r.variant + ", " + r.suite + ": " + r.verdict;
    const ol = $("replay-steps");
    ol.replaceChildren();
    for (const s of r.steps || []) ol.append(el("li", {}, s));
    $("replay-steps-box").hidden = !(r.steps && r.steps.length);
    const tb = $("transcript").querySelector("tbody");
    tb.replaceChildren();
    const steps = (r.transcript && r.transcript.steps) || [];
    steps.forEach((s, i) => {
      const m = s.message || {};
      const fields = el("div", { class: "fields" });
      for (const f of s.fields || []) fields.append(el("div", {}, f.name + " = " + f.value));
      const events = (s.events || []).map((e) => e.kind || JSON.stringify(e)).join(", ");
      tb.append(el("tr", { class: s.alert ? "rejected" : "" }, el("td", {}, i + 1), el("td", {}, m.label || ""),
        el("td", {}, (m.from || "") + " → " + (m.to || "")), el("td", {}, fields),
        el("td", {}, s.alert ? "rejected: " + s.alert : events)));
    });
    $("transcript").hidden = steps.length === 0;
    status("");
  } catch (e) {
    $("replay-result").hidden = false;
    $("replay-verdict").className = "verdict not-realisable";
    $("replay-verdict").textContent = e.message;
    status("");
  } finally { btn.disabled = false; }
}

// --- the editor -----------------------------------------------------------

function showTab(t) {
  $("claim-view").hidden = t !== "claim";
  $("source-view").hidden = t !== "source";
  $("tab-claim").setAttribute("aria-selected", String(t === "claim"));
  $("tab-source").setAttribute("aria-selected", String(t === "source"));
}

async function openSource(name) {
  if (!name && state.selected) name = state.selected.attack_id.split("/")[0];
  if (!name && state.models.length) name = state.models[0].name;
  showTab("source");
  if (!name) return;
  try {
    const s = await api("/api/source?model=" + encodeURIComponent(name));
    state.sourceModel = s;
    $("source").value = s.source;
    $("source-note").textContent = s.file + (s.editable ? " — Save writes this file and re-checks it (Ctrl-S)." : " — a shipped model: Check re-checks your edit here (Ctrl-S); to save, give a copy on the command line.");
    $("source-save").hidden = !s.editable;
    $("source-error").hidden = true;
    $("source-result").textContent = "";
    drawGutter(0);
  } catch (e) { status(e.message); }
}

function drawGutter(errLine) {
  const n = $("source").value.split("\n").length;
  const g = $("gutter");
  g.replaceChildren();
  for (let i = 1; i <= n; i++) {
    g.append(i === errLine ? el("span", { class: "err" }, String(i)) : String(i));
    g.append("\n");
  }
  g.scrollTop = $("source").scrollTop;
}

async function checkSource(save) {
  const s = state.sourceModel;
  if (!s) return;
  $("source-result").textContent = "checking…";
  $("source-error").hidden = true;
  try {
    const r = await api("/api/check", { model: s.name, source: $("source").value, save: !!save && s.editable });
    if (r.error) {
      const e = r.error;
      $("source-error").hidden = false;
      $("source-error").textContent = s.file + ":" + e.line + ":" + e.col + ": " + e.message;
      $("source-result").textContent = "not checked: fix the error";
      drawGutter(e.line);
      placeCaret(e.line, e.col);
      return;
    }
    drawGutter(0);
    const i = state.models.findIndex((m) => m.name === r.model.name);
    if (i >= 0) state.models[i] = r.model;
    renderModels();
    let claims = 0, attacks = 0;
    for (const sc of r.model.scenarios) for (const c of sc.claims) { claims++; if (c.verdict === "attack") attacks++; }
    $("source-result").textContent = (r.saved ? "saved and checked: " : "checked: ") + claims + " claims, " + attacks + " attacks";
  } catch (e) { $("source-result").textContent = e.message; }
}

function placeCaret(line, col) {
  const ta = $("source");
  const lines = ta.value.split("\n");
  let off = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) off += lines[i].length + 1;
  off += Math.max(0, col - 1);
  ta.focus();
  ta.setSelectionRange(off, off);
  ta.scrollTop = Math.max(0, (line - 5) * 18);
}

// --- start ----------------------------------------------------------------

async function start() {
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral", sequence: { useMaxWidth: true, wrap: true, width: 180, messageFontSize: 12, noteFontSize: 12, actorFontSize: 13 } });
  $("filter").addEventListener("input", renderModels);
  $("tab-claim").addEventListener("click", () => showTab("claim"));
  $("tab-source").addEventListener("click", () => openSource(state.sourceModel && !state.selected ? state.sourceModel.name : null));
  $("step-first").addEventListener("click", () => showStep(0));
  $("step-prev").addEventListener("click", () => showStep(state.step - 1));
  $("step-next").addEventListener("click", () => showStep(state.step + 1));
  $("step-last").addEventListener("click", () => state.attack && showStep(state.attack.steps.length - 1));
  $("replay-run").addEventListener("click", runReplay);
  $("source-check").addEventListener("click", () => checkSource(false));
  $("source-save").addEventListener("click", () => checkSource(true));
  $("source").addEventListener("input", () => drawGutter(0));
  $("source").addEventListener("scroll", () => { $("gutter").scrollTop = $("source").scrollTop; });
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); if (!$("source-view").hidden) checkSource(state.sourceModel && state.sourceModel.editable); return; }
    if (e.target.tagName === "TEXTAREA" || e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
    if (e.key === "ArrowRight") showStep(state.step + 1);
    else if (e.key === "ArrowLeft") showStep(state.step - 1);
    else if (e.key === "Home") showStep(0);
    else if (e.key === "End" && state.attack) showStep(state.attack.steps.length - 1);
  });
  try {
    const j = await api("/api/models");
    Object.assign(state, { models: j.models, variants: j.variants || [], suites: j.suites || [], replay: j.replay });
    for (const v of state.variants) $("replay-variant").append(el("option", { value: v }, v));
    for (const s of state.suites) $("replay-suite").append(el("option", { value: s }, s));
    renderModels();
    let n = 0, a = 0;
    for (const m of state.models) for (const s of m.scenarios) for (const c of s.claims) { n++; if (c.verdict === "attack") a++; }
    status(state.models.length + " models, " + n + " claims, " + a + " attacks");
    const want = decodeURIComponent(location.hash.slice(1));
    const hit = want && findClaim(want);
    if (hit) selectClaim(...hit);
  } catch (e) { status(e.message); }
}

start();
