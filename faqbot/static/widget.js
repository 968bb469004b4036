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
  // Every string the widget shows, per language (data-lang, else the knowledge base's meta.language, else the
  // page's lang). The answers stay in the knowledge base's own language.
  var STRINGS = {
    en: {
      title: "Questions? Ask me", greeting: "Hi! Ask me a question.", placeholder: "Type your question",
      button: "Ask a question", send: "Send", restart: "Restart", restartName: "Restart the conversation",
      close: "Close chat", input: "Your question", quick: "Quick replies", log: "Conversation",
      you: "You: ", bot: "Bot: ", note: "Note: ", helpful: "Was this helpful?", yes: "Yes, helpful",
      no: "No, not helpful", thanks: "Thanks for your feedback.", retry: "Retry", call: "Call ",
      tooLong: "That message is too long. Please make it shorter.",
      expired: "I couldn't continue our earlier conversation (it expired or was changed), so I started a new one.",
      tooFast: "You are sending messages quickly. Please wait a moment, then try again.",
      failed: "Sorry, something went wrong. Your message was not sent.",
      offline: "Sorry, I couldn't reach the server. Please check your connection and try again.",
      refused: "Sorry, the chat is not available on this page.",
      disclaimer: "Answers are general information, not professional advice.", more: "More below \u2193"
    },
    es: {
      title: "¿Preguntas? Pregúntame", greeting: "¡Hola! Hazme una pregunta.", placeholder: "Escribe tu pregunta",
      button: "Hacer una pregunta", send: "Enviar", restart: "Reiniciar", restartName: "Reiniciar la conversación",
      close: "Cerrar el chat", input: "Tu pregunta", quick: "Respuestas rápidas", log: "Conversación",
      you: "Tú: ", bot: "Bot: ", note: "Nota: ", helpful: "¿Te ha sido útil?", yes: "Sí, útil",
      no: "No, no ha sido útil", thanks: "Gracias por tu opinión.", retry: "Reintentar", call: "Llamar al ",
      tooLong: "El mensaje es demasiado largo. Acórtalo, por favor.",
      expired: "No he podido seguir nuestra conversación anterior (caducó o cambió), así que he empezado una nueva.",
      tooFast: "Estás enviando mensajes muy rápido. Espera un momento y vuelve a intentarlo.",
      failed: "Lo siento, algo ha fallado. Tu mensaje no se ha enviado.",
      offline: "Lo siento, no he podido conectar con el servidor. Comprueba tu conexión y vuelve a intentarlo.",
      refused: "Lo siento, el chat no está disponible en esta página.",
      disclaimer: "Las respuestas son información general, no consejo profesional.", more: "Más abajo \u2193"
    }
  };
  var config = readConfig(script);
  var t = STRINGS[config.lang];
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
    var lang = language(data.lang) || language(document.documentElement.lang) || "en";
    return {
      endpoint: new URL(data.endpoint || new URL("api/chat", el.src).href, document.baseURI).href,
      stylesheet: new URL(data.stylesheet || new URL("widget.css", el.src).href, document.baseURI).href,
      lang: lang,
      langGiven: Boolean(language(data.lang)),
      title: data.title || "",
      greeting: data.greeting || "",
      placeholder: data.placeholder || "",
      buttonLabel: data.buttonLabel || "",
      disclaimer: data.disclaimer || "",
      color: data.color || "",
      colorText: data.colorText || "",
      theme: ["light", "dark", "auto"].indexOf(data.theme) >= 0 ? data.theme : "auto",
      position: data.position === "left" ? "left" : "right"
    };
  }

  function language(code) {
    var base = String(code || "").toLowerCase().split("-")[0];
    return Object.prototype.hasOwnProperty.call(STRINGS, base) ? base : "";
  }

  // The page's own wording (data-title, data-greeting, ...) wins over the catalogue.
  function wording(name, own) { return own || t[name]; }

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
    var host = el("div", { id: "faqbot-widget", "data-position": config.position, "data-theme": config.theme });
    if (config.color && window.CSS && CSS.supports("color", config.color)) {
      host.style.setProperty("--fb-accent", config.color);
    }
    if (config.colorText && window.CSS && CSS.supports("color", config.colorText)) {
      host.style.setProperty("--fb-accent-text", config.colorText);
    }
    var root = host.attachShadow({ mode: "open" });
    root.appendChild(el("link", { rel: "stylesheet", href: config.stylesheet }));

    var launcher = el("button", { type: "button", "class": "fb-launcher", "aria-expanded": "false",
      "aria-controls": "fb-panel" });
    launcher.appendChild(el("span", { "class": "fb-icon", "aria-hidden": "true" }));
    var launcherText = el("span", { "class": "fb-launcher-text" });
    launcher.appendChild(launcherText);

    var panel = el("div", { id: "fb-panel", "class": "fb-panel", role: "dialog", "aria-labelledby": "fb-title" });
    panel.hidden = true;
    var header = el("div", { "class": "fb-header" });
    var title = el("h2", { id: "fb-title", "class": "fb-title" });
    header.appendChild(title);
    var restart = el("button", { type: "button", "class": "fb-restart" });
    var close = el("button", { type: "button", "class": "fb-close" }, "\u00d7");
    header.appendChild(restart);
    header.appendChild(close);

    var log = el("div", { "class": "fb-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      tabindex: "0" });
    var more = el("button", { type: "button", "class": "fb-more", hidden: "" });
    more.addEventListener("click", function () {
      log.scrollBy({ top: log.clientHeight * 0.8, behavior: "smooth" });
    });
    log.addEventListener("scroll", function () { moreBelow(); });
    var options = el("div", { "class": "fb-options", role: "group" });
    var form = el("form", { "class": "fb-form" });
    var label = el("label", { "for": "fb-input", "class": "fb-sr" });
    var input = el("input", { id: "fb-input", type: "text", autocomplete: "off", maxlength: "2000" });
    var sendButton = el("button", { type: "submit", "class": "fb-send" });
    [label, input, sendButton].forEach(function (node) { form.appendChild(node); });
    [header, log, more, options, form].forEach(function (node) { panel.appendChild(node); });
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
    var built = { host: host, launcher: launcher, launcherText: launcherText, panel: panel, title: title,
      restart: restart, close: close, log: log, more: more, options: options, label: label, input: input,
      send: sendButton };
    label_(built);
    return built;
  }

  // Names and labels in the widget's language. A control's accessible name starts with its visible text
  // (WCAG 2.5.3): "Ask a question, Ask about back pain", "Restart the conversation".
  function label_(parts) {
    var title = wording("title", config.title);
    var button = wording("button", config.buttonLabel);
    parts.launcherText.textContent = button;
    parts.launcher.setAttribute("aria-label", button === title ? button : button + ", " + title);
    parts.title.textContent = title;
    parts.restart.textContent = t.restart;
    parts.restart.setAttribute("aria-label", t.restartName);
    parts.close.setAttribute("aria-label", t.close);
    parts.log.setAttribute("aria-label", t.log);
    parts.options.setAttribute("aria-label", t.quick);
    parts.label.textContent = t.input;
    parts.input.setAttribute("placeholder", wording("placeholder", config.placeholder));
    parts.send.textContent = t.send;
    parts.more.textContent = t.more;
    parts.host.setAttribute("lang", config.lang);
  }

  // -- showing the conversation ------------------------------------------------------------------------------

  function restore() {
    store.messages.forEach(render);
    renderOptions(store.options || []);
  }

  function render(message) {
    var classes = "fb-msg fb-" + message.role + (message.kind ? " fb-kind-" + message.kind : "");
    var node = el("div", { "class": classes + (message.tier ? " fb-tier-" + message.tier : "") });
    var who = { user: t.you, bot: t.bot, note: t.note }[message.role] || "";
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
    var row = el("div", { "class": "fb-feedback", role: "group", "aria-label": t.helpful });
    if (typeof message.rated === "boolean") {
      row.appendChild(el("span", { "class": "fb-thanks" }, t.thanks));
      return row;
    }
    row.appendChild(el("span", { "class": "fb-ask" }, t.helpful));
    [[true, "\uD83D\uDC4D", t.yes], [false, "\uD83D\uDC4E", t.no]].forEach(function (choice) {
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
      var link = el("a", { "class": "fb-call", href: "tel:" + number }, t.call + String(call.label || number));
      row.appendChild(link);
    });
    return row;
  }

  // Show a new reply from its first line (a long answer is read from the top), anything else at the bottom. A
  // reply that ends in a question (a follow-up, "which did you mean?") keeps its question in view: when the
  // whole reply does not fit, its end is shown, since the quick replies below answer that question.
  function reveal(node) {
    var log = ui.log;
    var top = node.offsetTop - 8; // the log is positioned, so this is within the log
    var fits = node.offsetHeight <= log.clientHeight - 16;
    var asks = node.classList.contains("fb-kind-follow_up") || node.classList.contains("fb-kind-clarify");
    log.scrollTop = node.classList.contains("fb-bot") && !fits && !asks ? top : log.scrollHeight;
    moreBelow();
  }

  // A long answer read from the top has more below it: say so, with a button that scrolls on.
  function moreBelow() {
    var log = ui.log;
    ui.more.hidden = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
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

  // On a narrow or short screen the panel covers the page: the page behind it must not scroll.
  var fullScreen = window.matchMedia ? window.matchMedia("(max-width: 480px), (max-height: 560px)") : null;

  function lockPage(open) {
    var locked = open && fullScreen && fullScreen.matches;
    document.documentElement.style.overflow = locked ? "hidden" : "";
  }

  function show(focus) {
    ui.panel.hidden = false;
    ui.host.classList.add("fb-open");
    lockPage(true);
    ui.launcher.setAttribute("aria-expanded", "true");
    store.open = true;
    save();
    if (!store.started) start();
    if (ui.log.lastElementChild) reveal(ui.log.lastElementChild);
    if (focus) ui.input.focus();
  }

  function hide() {
    ui.panel.hidden = true;
    ui.host.classList.remove("fb-open");
    lockPage(false);
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
    add({ role: "bot", text: wording("greeting", config.greeting) });
    request("GET").then(function (result) {
      var info = result.data;
      if (result.status === 403 && info.error === "origin_not_allowed") {
        refused();
        ownDisclaimer();
        return;
      }
      if (result.status !== 200) { ownDisclaimer(); return; }
      if (typeof info.max_message === "number" && info.max_message > 0) ui.input.maxLength = info.max_message;
      var kbLang = language(info.language);
      if (!config.langGiven && kbLang && kbLang !== config.lang) { // the knowledge base's language
        config.lang = kbLang;
        t = STRINGS[kbLang];
        label_(ui);
      }
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
    add({ role: "note", text: wording("disclaimer", config.disclaimer), kind: "disclaimer" });
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
    note(t.refused);
  }

  function send(text) {
    text = String(text || "").trim();
    if (!text || busy) return false;
    if (store.refused) {
      note(t.refused);
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
    var retry = el("button", { type: "button", "class": "fb-retry" }, t.retry);
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
        setBusy(false); // the log stops being busy before the reply arrives in it, so it is announced
        add({
          role: "bot", html: data.html, text: String(data.text || ""), kind: String(data.kind || ""),
          tier: typeof data.tier === "string" ? data.tier : "", calls: Array.isArray(data.calls) ? data.calls : [],
          id: typeof data.id === "string" ? data.id : ""
        });
        setOptions(Array.isArray(data.options) ? data.options : []);
      } else if (result.status === 400 && data.error === "invalid_state" && !retried) {
        store.token = null;
        note(t.expired);
        ask(text, null, true);
        return;
      } else if (result.status === 413) {
        note(t.tooLong);
      } else if (result.status === 403 && data.error === "origin_not_allowed") {
        refused();
      } else if (result.status === 429) {
        setBusy(false);
        failed(text, t.tooFast);
        return;
      } else {
        setBusy(false);
        failed(text, t.failed);
        return;
      }
      setBusy(false);
    }, function () {
      setBusy(false);
      failed(text, t.offline);
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
