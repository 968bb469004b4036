/*
 * faqbot chat widget — plain JavaScript, no framework, no build step, no requests to anyone but the bot.
 *
 *   <script src="https://bot.example.org/widget.js" data-endpoint="https://bot.example.org/api/chat" defer></script>
 *
 * Options (all optional): data-title, data-greeting, data-placeholder, data-button-label, data-color (accent),
 * data-color-text (text on the accent), data-position ("right" or "left"), data-stylesheet (URL).
 *
 * Safety rules this file keeps: text typed by people is only ever inserted with textContent; the only HTML
 * inserted is the `html` field of the bot's own replies (rendered and escaped on the server). The widget lives
 * in a shadow root, so the host page's CSS cannot break it and its CSS cannot leak into the page.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.faqbotWidget) return;

  var MAX_MESSAGES = 200;
  var config = readConfig(script);
  var storageKey = "faqbot:" + config.endpoint;
  var store = loadStore();
  var busy = false;
  var offered = [];
  var ui = build();

  restore();
  document.body.appendChild(ui.host);
  if (store.open) show(false);

  window.faqbotWidget = { open: function () { show(true); }, close: hide, reset: reset };

  function readConfig(el) {
    var data = el.dataset;
    return {
      endpoint: new URL(data.endpoint || new URL("api/chat", el.src).href, document.baseURI).href,
      stylesheet: new URL(data.stylesheet || new URL("widget.css", el.src).href, document.baseURI).href,
      title: data.title || "Questions? Ask me",
      greeting: data.greeting || "Hi! Ask me a question.",
      placeholder: data.placeholder || "Type your question",
      buttonLabel: data.buttonLabel || "Ask a question",
      color: data.color || "",
      colorText: data.colorText || "",
      position: data.position === "left" ? "left" : "right",
      disclaimer: data.disclaimer || "Answers are general information, not professional advice."
    };
  }

  // -- storage: the transcript and the signed state token survive a reload (sessionStorage, this tab only) --

  function loadStore() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(storageKey) || "null");
      if (saved && saved.v === 1 && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* storage disabled or corrupted: start afresh */ }
    return freshStore();
  }

  function freshStore() {
    return { v: 1, token: null, messages: [], options: [], open: false, started: false, disclaimer: false };
  }

  function save() {
    store.messages = store.messages.slice(-MAX_MESSAGES);
    try { window.sessionStorage.setItem(storageKey, JSON.stringify(store)); } catch (e) { /* not fatal */ }
  }

  // -- building the interface ------------------------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function build() {
    var host = el("div", { id: "faqbot-widget", "data-position": config.position });
    if (config.color && window.CSS && CSS.supports("color", config.color)) {
      host.style.setProperty("--fb-accent", config.color);
    }
    if (config.colorText && window.CSS && CSS.supports("color", config.colorText)) {
      host.style.setProperty("--fb-accent-text", config.colorText);
    }
    var root = host.attachShadow({ mode: "open" });
    root.appendChild(el("link", { rel: "stylesheet", href: config.stylesheet }));

    var launcher = el("button", { type: "button", "class": "fb-launcher", "aria-expanded": "false",
      "aria-controls": "fb-panel", "aria-label": "Chat: " + config.title });
    launcher.appendChild(el("span", { "class": "fb-icon", "aria-hidden": "true" }));
    launcher.appendChild(el("span", { "class": "fb-launcher-text" }, config.buttonLabel));

    var panel = el("div", { id: "fb-panel", "class": "fb-panel", role: "dialog", "aria-labelledby": "fb-title" });
    panel.hidden = true;
    var header = el("div", { "class": "fb-header" });
    header.appendChild(el("h2", { id: "fb-title", "class": "fb-title" }, config.title));
    var restart = el("button", { type: "button", "class": "fb-restart", "aria-label": "Start a new conversation" },
      "Restart");
    var close = el("button", { type: "button", "class": "fb-close", "aria-label": "Close chat" }, "\u00d7");
    header.appendChild(restart);
    header.appendChild(close);

    var log = el("div", { "class": "fb-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": "Conversation", tabindex: "0" });
    var options = el("div", { "class": "fb-options", role: "group", "aria-label": "Quick replies" });
    var form = el("form", { "class": "fb-form" });
    var label = el("label", { "for": "fb-input", "class": "fb-sr" }, "Your question");
    var input = el("input", { id: "fb-input", type: "text", autocomplete: "off", placeholder: config.placeholder,
      maxlength: "2000" });
    var sendButton = el("button", { type: "submit", "class": "fb-send" }, "Send");
    [label, input, sendButton].forEach(function (node) { form.appendChild(node); });
    [header, log, options, form].forEach(function (node) { panel.appendChild(node); });
    root.appendChild(launcher);
    root.appendChild(panel);

    launcher.addEventListener("click", function () { if (panel.hidden) show(true); else hide(); });
    close.addEventListener("click", function () { hide(); launcher.focus(); });
    restart.addEventListener("click", reset);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (send(input.value)) input.value = "";
    });
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) {
        event.preventDefault();
        hide();
        launcher.focus();
      }
    });
    return { host: host, launcher: launcher, panel: panel, log: log, options: options, input: input,
      send: sendButton };
  }

  // -- showing the conversation ------------------------------------------------------------------------------

  function restore() {
    store.messages.forEach(render);
    renderOptions(store.options || []);
  }

  function render(message) {
    var classes = "fb-msg fb-" + message.role + (message.kind ? " fb-kind-" + message.kind : "");
    var node = el("div", { "class": classes + (message.tier ? " fb-tier-" + message.tier : "") });
    var who = { user: "You: ", bot: "Bot: ", note: "Note: " }[message.role] || "";
    node.appendChild(el("span", { "class": "fb-sr" }, who));
    var body = el("div", { "class": "fb-body" });
    if (message.role === "bot" && typeof message.html === "string") {
      body.innerHTML = message.html; // the server's own rendering of the knowledge base, escaped there
    } else {
      body.textContent = message.text;
    }
    if (message.calls && message.calls.length) node.appendChild(callLinks(message.calls)); // the action first
    node.appendChild(body);
    if (message.role === "bot" && message.kind === "answer" && message.id) node.appendChild(feedback(message));
    ui.log.appendChild(node);
    reveal(node);
  }

  // "Was this helpful?" under an answer, when the server keeps a conversation log (the reply has an id).
  function feedback(message) {
    var row = el("div", { "class": "fb-feedback", role: "group", "aria-label": "Was this answer helpful?" });
    if (typeof message.rated === "boolean") {
      row.appendChild(el("span", { "class": "fb-thanks" }, "Thanks for your feedback."));
      return row;
    }
    row.appendChild(el("span", { "class": "fb-ask" }, "Was this helpful?"));
    [[true, "\uD83D\uDC4D", "Yes, helpful"], [false, "\uD83D\uDC4E", "No, not helpful"]].forEach(function (choice) {
      var button = el("button", { type: "button", "class": "fb-rate", "aria-label": choice[2], title: choice[2] },
        choice[1]);
      button.addEventListener("click", function () {
        message.rated = choice[0];
        save();
        row.replaceWith(feedback(message));
        var init = { method: "POST", credentials: "omit",
          headers: { Accept: "application/json", "Content-Type": "application/json" },
          body: JSON.stringify({ reply: message.id, helpful: choice[0] }) };
        fetch(feedbackEndpoint(), init).catch(function () { /* feedback is best effort */ });
      });
      row.appendChild(button);
    });
    return row;
  }

  function feedbackEndpoint() {
    return String(config.endpoint).replace(/\/api\/chat\/?$/, "/api/feedback");
  }

  // Tap-to-call links for the numbers an urgent reply names (only digits, spaces, + and - reach the href).
  function callLinks(calls) {
    var row = el("div", { "class": "fb-calls" });
    calls.forEach(function (call) {
      var number = String(call && call.number || "").replace(/[^0-9+]/g, "");
      if (!number) return;
      var link = el("a", { "class": "fb-call", href: "tel:" + number }, "Call " + String(call.label || number));
      row.appendChild(link);
    });
    return row;
  }

  // Show a new reply from its first line (a long answer is read from the top), anything else at the bottom.
  function reveal(node) {
    var log = ui.log;
    var top = node.offsetTop - 8; // the log is positioned, so this is within the log
    var fits = node.offsetHeight <= log.clientHeight - 16;
    log.scrollTop = node.classList.contains("fb-bot") && !fits ? top : log.scrollHeight;
  }

  function add(message) {
    store.messages.push(message);
    render(message);
    save();
  }

  function note(text) { add({ role: "note", text: text }); }

  function renderOptions(labels) {
    ui.options.textContent = "";
    labels.forEach(function (label) {
      var button = el("button", { type: "button", "class": "fb-option" }, label);
      button.addEventListener("click", function () {
        if (send(label)) ui.input.focus();
      });
      ui.options.appendChild(button);
    });
    ui.options.hidden = labels.length === 0;
  }

  function setOptions(labels) {
    store.options = labels.filter(function (label) { return typeof label === "string"; });
    renderOptions(store.options);
    if (ui.log.lastElementChild) reveal(ui.log.lastElementChild); // the log just changed height
    save();
  }

  function show(focus) {
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    store.open = true;
    save();
    if (!store.started) start();
    if (ui.log.lastElementChild) reveal(ui.log.lastElementChild);
    if (focus) ui.input.focus();
  }

  function hide() {
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    store.open = false;
    save();
  }

  function reset() {
    var open = store.open;
    store = freshStore();
    store.disclaimer = true; // shown once per visit, not again on every restart
    store.open = open;
    ui.log.textContent = "";
    renderOptions([]);
    save();
    start();
    ui.input.focus();
  }

  // -- talking to the bot ------------------------------------------------------------------------------------

  function start() {
    store.started = true;
    add({ role: "bot", text: config.greeting });
    request("GET").then(function (result) {
      var info = result.data;
      if (result.status === 403 && info.error === "origin_not_allowed") {
        refused();
        ownDisclaimer();
        return;
      }
      if (result.status !== 200) { ownDisclaimer(); return; }
      if (typeof info.max_message === "number" && info.max_message > 0) ui.input.maxLength = info.max_message;
      if (!store.disclaimer && typeof info.disclaimer === "string" && info.disclaimer) {
        store.disclaimer = true;
        add({ role: "note", text: info.disclaimer, kind: "disclaimer" });
      }
      var untouched = !store.messages.some(function (m) { return m.role === "user"; });
      if (untouched && Array.isArray(info.suggestions)) setOptions(info.suggestions);
    }, function () { ownDisclaimer(); /* the first real message will report a connection problem */ });
  }

  // The disclaimer is shown even when the server cannot be asked for its own: the widget's copy.
  function ownDisclaimer() {
    if (store.disclaimer) return;
    store.disclaimer = true;
    add({ role: "note", text: config.disclaimer, kind: "disclaimer" });
  }

  // A page whose origin the server does not allow: the owner learns why (console, server log), the visitor
  // gets a neutral message rather than "check your connection".
  function refused() {
    if (store.refused) return;
    store.refused = true;
    save();
    if (window.console) {
      console.error("faqbot: this site (" + location.origin + ") is not allowed to use this chat; the server " +
        "must list it with --allow-origin (see the server log).");
    }
    note("Sorry, the chat is not available on this page.");
  }

  function send(text) {
    text = String(text || "").trim();
    if (!text || busy) return false;
    if (store.refused) {
      note("Sorry, the chat is not available on this page.");
      return false;
    }
    clearRetry();
    add({ role: "user", text: text });
    offered = store.options.slice(); // back on offer if the message does not get through
    setOptions([]);
    ask(text, store.token, false);
    return true;
  }

  // A message that did not get through goes back into the box, with a Retry button; nothing is lost.
  function failed(text, message) {
    var last = store.messages[store.messages.length - 1];
    if (last && last.role === "user" && last.text === text) {
      store.messages.pop();
      if (ui.log.lastElementChild) ui.log.removeChild(ui.log.lastElementChild);
      save();
    }
    if (!ui.input.value) ui.input.value = text;
    note(message);
    setOptions(offered);
    var retry = el("button", { type: "button", "class": "fb-retry" }, "Retry");
    retry.addEventListener("click", function () {
      var again = ui.input.value || text;
      if (send(again)) ui.input.value = "";
    });
    ui.retry = retry;
    ui.log.lastElementChild.appendChild(retry);
    retry.focus();
  }

  function clearRetry() {
    if (ui.retry && ui.retry.parentNode) ui.retry.parentNode.removeChild(ui.retry);
    ui.retry = null;
  }

  function ask(text, token, retried) {
    setBusy(true);
    request("POST", { message: text, state: token }).then(function (result) {
      var data = result.data;
      if (result.status === 200 && typeof data.html === "string") {
        store.token = typeof data.state === "string" ? data.state : null;
        add({
          role: "bot", html: data.html, text: String(data.text || ""), kind: String(data.kind || ""),
          tier: typeof data.tier === "string" ? data.tier : "", calls: Array.isArray(data.calls) ? data.calls : [],
          id: typeof data.id === "string" ? data.id : ""
        });
        setOptions(Array.isArray(data.options) ? data.options : []);
      } else if (result.status === 400 && data.error === "invalid_state" && !retried) {
        store.token = null;
        note("I couldn't continue our earlier conversation (it expired or was changed), so I started a new one.");
        ask(text, null, true);
        return;
      } else if (result.status === 413) {
        note("That message is too long. Please make it shorter.");
      } else if (result.status === 403 && data.error === "origin_not_allowed") {
        refused();
      } else if (result.status === 429) {
        setBusy(false);
        failed(text, "You are sending messages quickly. Please wait a moment, then try again.");
        return;
      } else {
        setBusy(false);
        failed(text, "Sorry, something went wrong. Your message was not sent.");
        return;
      }
      setBusy(false);
    }, function () {
      setBusy(false);
      failed(text, "Sorry, I couldn't reach the server. Please check your connection and try again.");
    });
  }

  function request(method, body) {
    var init = { method: method, credentials: "omit", headers: { Accept: "application/json" } };
    if (body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(config.endpoint, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data && typeof data === "object" ? data : {} };
      });
    });
  }

  function setBusy(value) {
    busy = value;
    ui.log.setAttribute("aria-busy", value ? "true" : "false");
    ui.send.disabled = value;
    ui.panel.classList.toggle("fb-busy", value);
  }
})();
