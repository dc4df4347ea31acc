// The on-call page: active alerts grouped as routed, with acknowledge, resolve and silence for
// operators, fed live by /monitoring/events. Everything is built with DOM calls (textContent),
// never from HTML strings, so alert labels cannot inject markup.
"use strict";

const state = { token: "", who: null, alerts: [], health: [], errors: [] };

function readToken() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("token")) {
    localStorage.setItem("stackwatch-token", hash.get("token"));
    history.replaceState(null, "", location.pathname);
  }
  return localStorage.getItem("stackwatch-token") || "";
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (state.token) headers["Authorization"] = "Bearer " + state.token;
  if (options.body) headers["Content-Type"] = "application/json";
  const response = await fetch(path, Object.assign({}, options, { headers }));
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { error: text }; }
  if (!response.ok) {
    const error = new Error((body && body.error) || response.statusText);
    error.status = response.status;
    throw error;
  }
  return body;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function ago(iso) {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 90) return Math.round(seconds) + "s ago";
  if (seconds < 5400) return Math.round(seconds / 60) + "m ago";
  return Math.round(seconds / 3600) + "h ago";
}

const canAct = () => state.who && (state.who.role === "operator" || state.who.role === "admin");

// POSTs an action with its button disabled meanwhile, then reloads what it changed.
async function act(button, path, body, reload = loadAlerts) {
  button.disabled = true;
  try {
    await api(path, { method: "POST", body: JSON.stringify(body || {}) });
    await reload();
  } catch (e) {
    alertError(e);
  } finally {
    button.disabled = false;
  }
}

function alertError(e) {
  const box = document.getElementById("groups");
  box.prepend(el("p", { class: "error" }, "Failed: " + e.message));
}

async function silence(button, alert) {
  const matchers = Object.entries(alert.labels).map(([name, value]) =>
    ({ name, value, isRegex: false, isEqual: true }));
  const now = new Date();
  await act(button, "/api/v2/silences", {
    matchers, startsAt: now.toISOString(),
    endsAt: new Date(now.getTime() + 3600 * 1000).toISOString(),
    createdBy: state.who.name, comment: "silenced for 1h from the on-call page" });
  loadSilences();
}

function alertRow(alert) {
  const badges = [el("span", { class: "badge " + alert.state }, alert.state)];
  if (alert.escalation) {
    const e = alert.escalation;
    badges.push(el("span", { class: "badge escalation" }, e.exhausted ? "escalation done"
      : e.held ? "escalation held" : "escalates to " + e.nextReceiver));
  }
  const meta = [alert.severity || "no severity", "since " + ago(alert.startsAt)];
  if (alert.acknowledgement) {
    const a = alert.acknowledgement;
    meta.push("acknowledged by " + a.by + (a.comment ? ": " + a.comment : ""));
  }
  const summary = alert.annotations.summary || alert.annotations.description || "";
  const actions = el("div", { class: "actions" });
  if (canAct()) {
    const base = "/monitoring/alerts/" + encodeURIComponent(alert.id);
    if (alert.acknowledged) {
      actions.append(el("button", { "data-action": "unacknowledge",
        onclick: (ev) => act(ev.target, base + "/unacknowledge") }, "Unacknowledge"));
    } else {
      actions.append(el("button", { "data-action": "acknowledge",
        onclick: (ev) => act(ev.target, base + "/acknowledge",
          { comment: "acknowledged from the on-call page" }) }, "Acknowledge"));
    }
    actions.append(el("button", { "data-action": "resolve",
      onclick: (ev) => act(ev.target, base + "/resolve") }, "Resolve"));
    actions.append(el("button", { "data-action": "silence",
      onclick: (ev) => silence(ev.target, alert) }, "Silence 1h"));
  }
  return el("div", { class: "alert", "data-id": alert.id, "data-name": alert.name,
                     "data-state": alert.state, "data-severity": alert.severity },
    el("div", {},
      el("div", {}, el("span", { class: "name" }, alert.name), ...badges),
      summary ? el("div", {}, summary) : "",
      el("div", { class: "meta" }, meta.join(" · "))),
    actions);
}

function renderAlerts() {
  const box = document.getElementById("groups");
  box.replaceChildren();
  document.getElementById("alert-count").textContent = state.alerts.length;
  if (state.alerts.length === 0) {
    box.append(el("p", { class: "empty" }, "Nothing is firing."));
    return;
  }
  const groups = new Map();
  for (const alert of state.alerts) {
    const key = (alert.groupKeys && alert.groupKeys[0]) || "ungrouped";
    if (!groups.has(key)) groups.set(key, { receivers: alert.receivers, alerts: [] });
    groups.get(key).alerts.push(alert);
  }
  for (const [key, group] of groups) {
    box.append(el("div", { class: "group", "data-group": key },
      el("h3", {}, key + " → " + (group.receivers || []).join(", ")),
      ...group.alerts.map(alertRow)));
  }
}

function renderList(id, items, render, empty) {
  const list = document.getElementById(id);
  list.replaceChildren();
  if (items.length === 0) list.append(el("li", { class: "empty" }, empty));
  for (const item of items) list.append(render(item));
}

function renderHealth() {
  renderList("health", state.health, (h) => el("li", {},
    el("span", { class: "state-" + h.status }, h.status), " ", h.job + " " + h.instance),
    "No targets yet.");
}

async function loadAlerts() {
  const body = await api("/monitoring/alerts/active");
  state.alerts = body.alerts;
  renderAlerts();
}

async function loadSilences() {
  const silences = (await api("/api/v2/silences")).filter((s) => s.status.state === "active");
  renderList("silences", silences, (s) => el("li", {},
    s.matchers.map((m) => m.name + (m.isEqual ? "=" : "!=") + m.value).join(", "),
    el("div", { class: "meta" }, "by " + s.createdBy + " until " + new Date(s.endsAt).toLocaleString())),
    "No active silences.");
}

async function loadRules() {
  const rules = (await api("/monitoring/alerts/rules")).rules;
  renderList("rules", rules, (r) => el("li", {},
    el("span", { class: "name" }, r.name), " ", el("span", { class: "badge" }, r.source),
    el("div", { class: "meta" }, r.expr)), "No alerting rules.");
}

async function loadErrors() {
  state.errors = (await api("/monitoring/errors?status=unresolved&limit=20")).groups;
  renderErrors();
}

// Tracked errors by group: the unresolved ones, last seen first, with a regression marked.
function renderErrors() {
  renderList("errors", state.errors.slice(0, 20), (g) => el("li", { "data-fingerprint": g.fingerprint },
    el("span", { class: "name" }, g.title), " ",
    g.regressed ? el("span", { class: "badge regressed" }, "regressed") : "",
    el("div", { class: "meta" }, [g.fingerprint, g.count + "×", g.usersAffected + " users",
      "last " + ago(g.lastSeen)].join(" · ")),
    canAct() ? el("button", { "data-action": "resolve-error",
      onclick: (ev) => act(ev.target, "/monitoring/errors/fingerprint/" +
        encodeURIComponent(g.fingerprint) + "/status", { status: "resolved" }, loadErrors) }, "Resolve") : ""),
    "No unresolved errors.");
}

function listen() {
  const url = "/monitoring/events" + (state.token ? "?access_token=" + encodeURIComponent(state.token) : "");
  const events = new EventSource(url);
  const live = document.getElementById("live");
  events.onopen = () => { live.className = "dot on"; };
  events.onerror = () => { live.className = "dot off"; };
  events.addEventListener("snapshot", (e) => {
    const data = JSON.parse(e.data);
    state.alerts = data.alerts;
    state.health = data.health || [];
    state.errors = data.errors || [];
    renderAlerts();
    renderHealth();
    renderErrors();
  });
  events.addEventListener("alert", () => loadAlerts().catch(alertError));
  events.addEventListener("health", (e) => {
    const change = JSON.parse(e.data);
    state.health = state.health.filter((h) => h.target !== change.target).concat([change]);
    renderHealth();
  });
  events.addEventListener("error", (e) => {
    if (!e.data) return;  // the connection's own error event, not a tracked error
    const group = JSON.parse(e.data);
    state.errors = state.errors.filter((g) => g.fingerprint !== group.fingerprint);
    if (group.status === "unresolved") state.errors.unshift(group);
    renderErrors();
  });
}

async function start() {
  state.token = readToken();
  try {
    state.who = await api("/monitoring/whoami");
  } catch (e) {
    if (e.status === 401) return showLogin(state.token ? "That token was not accepted." : "");
    throw e;
  }
  document.getElementById("login").hidden = true;
  document.getElementById("app").hidden = false;
  document.getElementById("who").textContent = state.who.name + " (" + state.who.role + ")";
  await Promise.all([loadAlerts(), loadSilences(), loadRules(), loadErrors()]);
  listen();
}

function showLogin(message) {
  const form = document.getElementById("login");
  form.hidden = false;
  document.getElementById("login-error").textContent = message;
  form.onsubmit = (ev) => {
    ev.preventDefault();
    localStorage.setItem("stackwatch-token", document.getElementById("token").value);
    start();
  };
}

start().catch((e) => alertError(e));
