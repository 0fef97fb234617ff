// The sandbox page: polls what the chosen person sees and sends what they type and click.
// All HTML comes from the server's renderer (bot/sandbox/render.py), escaped there.
"use strict";

const ui = {
  me: localStorage.getItem("sandbox.me") || "",
  where: localStorage.getItem("sandbox.where") || "",
  thread: null,
  state: null,
  modalKey: null,
  shown: {},
  busy: 0,
};

const $ = (id) => document.getElementById(id);

async function api(name, body) {
  const response = await fetch("/sandbox/" + name, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(Object.assign({ as: ui.me }, body)),
  });
  const answer = await response.json();
  if (answer.problem) toast(answer.problem);
  if (answer.error) toast(answer.error);
  await refresh();
  return answer;
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 5000);
}

function setHtml(id, html) {
  if (ui.shown[id] === html) return false;
  ui.shown[id] = html;
  $(id).innerHTML = html;
  return true;
}

async function refresh() {
  const query = new URLSearchParams({ as: ui.me, where: ui.where });
  if (ui.thread) query.set("thread", ui.thread);
  const response = await fetch("/sandbox/state?" + query.toString());
  const state = await response.json();
  ui.state = state;
  ui.me = state.me;
  ui.where = state.where;
  $("workspace-name").textContent = state.workspace;
  const person = $("person");
  if (person.options.length !== state.people.length) {
    person.innerHTML = "";
    for (const p of state.people) {
      const option = document.createElement("option");
      option.value = p.id;
      option.textContent = `${p.name} \u00b7 ${p.tz}`;
      person.appendChild(option);
    }
  }
  person.value = state.me;
  $("clock-local").textContent = state.clock.local;
  $("clock-zone").textContent = state.clock.zone;
  $("clock-utc").textContent = "(" + state.clock.utc + ")";
  $("next-nine").textContent = "next 09:00 (" + state.clock.zone.split("/").pop().replace("_", " ") + ")";
  const list = state.channels.map((c) => {
    const mark = c.external ? " <span class=\"ext\">external</span>" : "";
    const active = c.id === state.where ? " active" : "";
    return `<li><a href="#" class="nav${active}" data-where="${c.id}" data-name="${c.name}">#\u200a${c.name}</a>${mark}</li>`;
  }).join("");
  setHtml("channels", list);
  $("nav-home").classList.toggle("active", state.where === "home");
  $("nav-dm").classList.toggle("active", state.where === state.dm);
  $("title").textContent = state.main.title;
  $("subtitle").textContent = state.main.subtitle || "";
  const pins = $("pins-toggle");
  pins.hidden = !state.main.pinned;
  pins.textContent = `\u{1F4CC} ${state.main.pinned} pinned`;
  setHtml("pins", state.main.pins);
  const scroller = $("messages");
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  if (setHtml("messages", state.main.html) && atBottom) scroller.scrollTop = scroller.scrollHeight;
  $("composer").hidden = state.where === "home";
  const thread = $("thread");
  thread.hidden = !state.thread;
  if (state.thread && setHtml("thread-messages", state.thread.html)) {
    $("thread-messages").scrollTop = $("thread-messages").scrollHeight;
  }
  else ui.thread = null;
  const layer = $("modal-layer");
  if (!state.modal) {
    layer.hidden = true;
    layer.innerHTML = "";
    ui.modalKey = null;
  } else if (state.modal.key !== ui.modalKey) {
    ui.modalKey = state.modal.key;
    layer.innerHTML = state.modal.html;
    layer.hidden = false;
  }
  localStorage.setItem("sandbox.me", ui.me);
  localStorage.setItem("sandbox.where", ui.where);
}

// What the person entered in a modal's (or Home's) inputs: block ID -> {value}.
function entered(root) {
  const values = {};
  for (const field of root.querySelectorAll(".sb-input")) {
    const block = field.dataset.block;
    const type = field.dataset.type;
    let value;
    if (type === "checkboxes") {
      value = [...field.querySelectorAll("input:checked")].map((i) => i.value);
    } else if (type === "radio_buttons") {
      const picked = field.querySelector("input:checked");
      value = picked ? picked.value : null;
    } else if (field.multiple) {
      value = [...field.selectedOptions].map((o) => o.value);
    } else if (type === "datetimepicker") {
      value = field.value ? String(Math.floor(new Date(field.value).getTime() / 1000)) : null;
    } else {
      value = field.value === "" ? null : field.value;
    }
    values[block] = { value: value };
  }
  return values;
}

function whereOf(element) {
  const view = element.closest("[data-view]");
  if (view) return { view: view.dataset.view };
  const ephemeral = element.closest("[data-ephemeral]");
  if (ephemeral) return { channel: ephemeral.dataset.channel, ephemeral: ephemeral.dataset.ephemeral };
  const message = element.closest("[data-ts]");
  return { channel: message.dataset.channel, ts: message.dataset.ts };
}

function confirmFirst(element) {
  if (!element.dataset.confirm) return Promise.resolve(true);
  const c = JSON.parse(element.dataset.confirm);
  const layer = $("confirm-layer");
  layer.innerHTML = `<div class="modal confirm"><div class="modal-head"><h2>${c.title}</h2></div>` +
    `<div class="modal-body">${c.text}</div><div class="modal-foot">` +
    `<button type="button" class="sb-button" data-answer="no">${c.deny}</button>` +
    `<button type="button" class="sb-button ${c.style || "primary"}" data-answer="yes">${c.confirm}</button></div></div>`;
  layer.hidden = false;
  return new Promise((resolve) => {
    layer.onclick = (event) => {
      const answer = event.target.closest("[data-answer]");
      if (!answer) return;
      layer.hidden = true;
      layer.innerHTML = "";
      resolve(answer.dataset.answer === "yes");
    };
  });
}

async function act(element, value) {
  if (!(await confirmFirst(element))) return;
  const where = whereOf(element);
  const root = element.closest(".modal, .home");
  await api("action", {
    where: where,
    block: element.dataset.block,
    action: element.dataset.action,
    value: value,
    entered: root ? entered(root) : null,
  });
}

async function busy(work) {
  ui.busy += 1;
  document.body.classList.add("busy");
  try { await work(); } finally {
    ui.busy -= 1;
    if (!ui.busy) document.body.classList.remove("busy");
  }
}

document.addEventListener("click", (event) => {
  const target = event.target;
  const nav = target.closest(".nav");
  if (nav) {
    event.preventDefault();
    ui.where = nav.dataset.where === "dm" ? ui.state.dm : nav.dataset.where;
    ui.thread = null;
    if (ui.where === "home") busy(() => api("home", {}));
    else busy(refresh);
    return;
  }
  // A link to a message of this workspace opens it here, as Slack would.
  const link = target.closest("a[href*='/archives/']");
  const found = link && link.href.match(/\/archives\/([A-Z0-9]+)\/p(\d+)(?:\?thread_ts=([\d.]+))?/);
  if (found) {
    event.preventDefault();
    const ts = found[2].slice(0, -6) + "." + found[2].slice(-6);
    ui.where = found[1];
    ui.thread = found[3] || ts;
    busy(refresh);
    return;
  }
  const threadLink = target.closest("[data-thread]");
  if (threadLink) {
    ui.thread = threadLink.dataset.thread;
    busy(refresh);
    return;
  }
  const move = target.closest("[data-move]");
  if (move) {
    $("clock-busy").hidden = false;
    busy(() => api("clock", { move: move.dataset.move })).finally(() => { $("clock-busy").hidden = true; });
    return;
  }
  if (target.closest("#thread-close")) {
    ui.thread = null;
    busy(refresh);
    return;
  }
  if (target.closest("#pins-toggle")) {
    $("pins").hidden = !$("pins").hidden;
    return;
  }
  const modal = target.closest("#modal-layer .modal");
  if (modal && target.closest(".sb-submit")) {
    // Errors come back in the view's key, so the next refresh shows them beside their
    // fields, re-rendered with what was typed (kept server-side with the errors).
    busy(() => api("submit", { view: modal.dataset.view, entered: entered(modal) }));
    return;
  }
  if (modal && target.closest(".sb-close")) {
    busy(() => api("close", { view: modal.dataset.view }));
    return;
  }
  const button = target.closest("button.sb-act");
  if (button) {
    busy(() => act(button, button.dataset.value));
    return;
  }
});

document.addEventListener("change", (event) => {
  const select = event.target.closest("select.sb-act, input.sb-act, .choices.sb-act");
  if (!select) return;
  let value;
  if (select.classList.contains("choices")) {
    value = [...select.querySelectorAll("input:checked")].map((i) => i.value);
  } else if (select.multiple) {
    value = [...select.selectedOptions].map((o) => o.value);
  } else {
    value = select.value;
  }
  if (value === "") return;
  busy(() => act(select, value));
});

$("person").addEventListener("change", (event) => {
  ui.me = event.target.value;
  ui.thread = null;
  ui.modalKey = null;
  busy(refresh);
});

function composer(formId, textId, thread) {
  $(formId).addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $(textId).value;
    if (!text.trim()) return;
    $(textId).value = "";
    busy(() => api("compose", { channel: ui.where, text: text, thread: thread() }));
  });
  $(textId).addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $(formId).requestSubmit();
    }
  });
}
composer("composer", "composer-text", () => null);
composer("thread-composer", "thread-text", () => ui.thread);

busy(refresh);
setInterval(() => { if (!ui.busy) refresh(); }, 1500);
