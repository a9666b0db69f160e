// gigbot sandbox web chat: one pane per simulated person, kept current by long polling.
// Message bodies arrive as HTML the server built from escaped text; everything else
// (names, button labels, alerts, file names) is set with textContent only.
"use strict";

const panes = new Map(); // user id -> {root, drawn, seenAlerts, replyTo}
let botUsername = "";

async function api(path, body) {
  const init = { method: "POST", headers: { "X-Sandbox": "1" } };
  if (body instanceof FormData) {
    init.body = body;
  } else {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const answer = await response.json();
  if (!answer.ok) {
    throw new Error(answer.error || response.statusText);
  }
  return answer;
}

function showError(pane, error) {
  toast(pane, { text: "⚠ " + error.message, show_alert: false }, "error");
}

function toast(pane, alert, extra) {
  const box = document.createElement("div");
  box.className = "toast" + (alert.show_alert ? " alert" : "") + (extra ? " " + extra : "");
  const text = document.createElement("div");
  text.textContent = alert.text;
  box.append(text);
  if (alert.show_alert) {
    const ok = document.createElement("button");
    ok.type = "button";
    ok.textContent = "OK";
    ok.addEventListener("click", () => box.remove());
    box.append(ok);
  } else {
    setTimeout(() => box.remove(), 3500);
  }
  pane.root.querySelector(".toasts").append(box);
}

function deepLinkPayload(url) {
  // https://t.me/<bot>?start=<payload> opens the bot with /start <payload>.
  let parsed;
  try {
    parsed = new URL(url);
  } catch (e) {
    return null;
  }
  const bot = parsed.pathname.replace(/^\//, "").toLowerCase();
  if (parsed.hostname !== "t.me" || bot !== botUsername.toLowerCase()) {
    return null;
  }
  const payload = parsed.searchParams.get("start");
  return payload === null ? "" : payload;
}

function send(pane, text) {
  const body = { text: text };
  if (pane.replyTo) {
    body.reply_to = pane.replyTo;
  }
  setReply(pane, null);
  return api(`/api/users/${pane.id}/send`, body).catch((e) => showError(pane, e));
}

function setReply(pane, messageId) {
  pane.replyTo = messageId;
  const bar = pane.root.querySelector(".replying");
  bar.hidden = !messageId;
  bar.querySelector(".replying-text").textContent = messageId ? `↩ replying to #${messageId}` : "";
}

function keyboard(pane, message) {
  const board = document.createElement("div");
  board.className = "keyboard";
  for (const row of message.buttons) {
    const line = document.createElement("div");
    line.className = "row";
    for (const spec of row) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = spec.url ? spec.text + " ↗" : spec.text;
      button.addEventListener("click", () => press(pane, message, spec));
      line.append(button);
    }
    board.append(line);
  }
  return board;
}

function press(pane, message, spec) {
  if (spec.data !== null) {
    api(`/api/users/${pane.id}/press`, { message_id: message.id, data: spec.data }).catch(
      (e) => showError(pane, e),
    );
    return;
  }
  const payload = deepLinkPayload(spec.url);
  if (payload !== null) {
    send(pane, payload ? `/start ${payload}` : "/start");
  } else if (/^https?:\/\//i.test(spec.url)) {
    window.open(spec.url, "_blank", "noopener,noreferrer");
  }
}

function invoiceCard(pane, message) {
  const card = document.createElement("div");
  card.className = "invoice";
  const title = document.createElement("b");
  title.textContent = "🧾 " + message.invoice.title;
  const about = document.createElement("div");
  about.textContent = message.invoice.description;
  const pay = document.createElement("button");
  pay.type = "button";
  pay.className = "pay";
  pay.textContent = message.invoice.pay;
  pay.addEventListener("click", () =>
    api(`/api/users/${pane.id}/pay`, { message_id: message.id }).catch((e) => showError(pane, e)),
  );
  card.append(title, about, pay);
  return card;
}

function drawMessage(pane, message) {
  const box = document.createElement("div");
  box.className = "msg " + (message.from_bot ? "bot" : "me");
  box.dataset.id = String(message.id);
  if (message.reply_to) {
    const quoted = document.createElement("div");
    quoted.className = "quoted";
    quoted.textContent = `↩ #${message.reply_to}`;
    box.append(quoted);
  }
  if (message.document) {
    const doc = document.createElement("div");
    doc.className = "doc";
    const link = document.createElement("a");
    link.href = message.document.url;
    link.download = message.document.name;
    link.textContent = "📎 " + message.document.name;
    doc.append(link);
    box.append(doc);
  }
  const body = document.createElement("div");
  body.className = "body";
  body.innerHTML = message.html; // escaped and built by the server (chatview.render_html)
  box.append(body);
  if (message.invoice) {
    box.append(invoiceCard(pane, message));
  }
  const meta = document.createElement("div");
  meta.className = "meta";
  const label = document.createElement("span");
  label.textContent =
    `#${message.id}` + (message.edits ? ` · edited${message.edits > 1 ? " ×" + message.edits : ""}` : "");
  label.className = message.edits ? "edited" : "";
  meta.append(label);
  const reply = document.createElement("button");
  reply.type = "button";
  reply.title = "Reply to this message";
  reply.textContent = "↩";
  reply.addEventListener("click", () => setReply(pane, message.id));
  meta.append(reply);
  box.append(meta);
  if (message.buttons.length) {
    box.append(keyboard(pane, message));
  }
  return box;
}

function makePane(chat) {
  const root = document.getElementById("pane-template").content.firstElementChild.cloneNode(true);
  root.dataset.user = String(chat.id);
  root.dataset.name = chat.name;
  root.querySelector(".name").textContent = chat.name;
  root.querySelector(".role").textContent = `${chat.role} · id ${chat.id}`;
  const pane = { id: chat.id, root: root, drawn: "", seenAlerts: chat.alerts.length, replyTo: null };
  const input = root.querySelector(".text");
  root.querySelector(".composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (text.trim()) {
      input.value = "";
      send(pane, text);
    }
  });
  root.querySelector(".cancel-reply").addEventListener("click", () => setReply(pane, null));
  const file = root.querySelector(".file");
  file.addEventListener("change", () => {
    if (!file.files.length) {
      return;
    }
    const form = new FormData();
    form.append("file", file.files[0]);
    file.value = "";
    api(`/api/users/${pane.id}/upload`, form).catch((e) => showError(pane, e));
  });
  root.querySelector(".messages").addEventListener("click", (event) => {
    const command = event.target.closest("a.cmd");
    if (command) {
      event.preventDefault();
      send(pane, command.dataset.cmd);
    }
  });
  document.getElementById("panes").append(root);
  panes.set(chat.id, pane);
  return pane;
}

function render(snapshot) {
  botUsername = snapshot.bot.username || "";
  document.getElementById("bot-name").textContent = "@" + botUsername;
  for (const chat of snapshot.chats) {
    const pane = panes.get(chat.id) || makePane(chat);
    const drawn = JSON.stringify(chat.messages);
    if (drawn !== pane.drawn) {
      const list = pane.root.querySelector(".messages");
      const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
      list.replaceChildren(...chat.messages.map((m) => drawMessage(pane, m)));
      pane.drawn = drawn;
      if (atBottom || !pane.scrolled) {
        list.scrollTop = list.scrollHeight;
        pane.scrolled = true;
      }
    }
    for (const alert of chat.alerts.slice(pane.seenAlerts)) {
      toast(pane, alert);
    }
    pane.seenAlerts = chat.alerts.length;
  }
}

async function follow() {
  const status = document.getElementById("status");
  let version = null;
  for (;;) {
    try {
      const query = version === null ? "" : "?known=" + encodeURIComponent(version);
      const response = await fetch("/api/chats" + query);
      const snapshot = await response.json();
      render(snapshot);
      version = snapshot.version;
      status.textContent = "live";
    } catch (e) {
      status.textContent = "disconnected, retrying…";
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

document.getElementById("add-worker").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = event.target.elements.name;
  const name = input.value.trim();
  if (name) {
    input.value = "";
    api("/api/users", { name: name }).catch((e) => alert(e.message));
  }
});

follow();
