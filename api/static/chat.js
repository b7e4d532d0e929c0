/* Digilab web chat: talks to POST /api/v1/chat and /api/v1/feedback; no framework, no build step. */
(function () {
  "use strict";

  // Every word of the page, in French and in Dutch.
  var STRINGS = {
    fr: {
      pageTitle: "Assistant Digilab — e-inclusion for Belgium",
      skip: "Aller à la question",
      title: "Assistant Digilab",
      tagline: "Subsides e-inclusion for Belgium — vos questions de CPAS, avec leur source",
      languageGroup: "Langue de la conversation",
      newChat: "Nouvelle conversation",
      logTitle: "Conversation",
      welcome: "Bonjour ! Posez votre question sur les subsides e-inclusion for Belgium : qui peut participer, " +
        "votre cluster et les montants, l'avance, les déclarations de créance, les dépenses éligibles, les échéances. " +
        "Chaque réponse cite sa source.",
      inputLabel: "Votre question",
      placeholder: "Ex. : quel cluster pour 42 000 habitants ?",
      hint: "Entrée pour envoyer, Maj + Entrée pour aller à la ligne.",
      send: "Envoyer",
      fromUser: "Vous :",
      fromBot: "Assistant :",
      source: "Source",
      typing: "L'assistant écrit…",
      suggestions: "Réponses proposées",
      feedbackGroup: "Votre avis sur cette réponse",
      helpful: "Réponse utile",
      notHelpful: "Réponse pas utile",
      feedbackThanks: "Merci pour votre avis.",
      feedbackFailed: "Votre avis n'a pas pu être enregistré. Réessayez.",
      networkError: "Impossible de joindre l'assistant. Vérifiez votre connexion internet et réessayez.",
      serverError: "L'assistant a rencontré un problème. Réessayez dans un instant.",
      noAnswer: "L'assistant n'a pas répondu. Reformulez votre question.",
      retry: "Réessayer",
      switchedTo: "Français"
    },
    nl: {
      pageTitle: "Digilab-assistent — e-inclusion for Belgium",
      skip: "Naar de vraag",
      title: "Digilab-assistent",
      tagline: "Subsidies e-inclusion for Belgium — uw vragen als OCMW, met hun bron",
      languageGroup: "Taal van het gesprek",
      newChat: "Nieuw gesprek",
      logTitle: "Gesprek",
      welcome: "Dag! Stel uw vraag over de subsidies e-inclusion for Belgium: wie mag deelnemen, uw cluster en de " +
        "bedragen, het voorschot, de schuldvorderingen, de subsidiabele kosten, de deadlines. " +
        "Elk antwoord vermeldt zijn bron.",
      inputLabel: "Uw vraag",
      placeholder: "Bv.: welke cluster voor 42.000 inwoners?",
      hint: "Enter om te versturen, Shift + Enter voor een nieuwe regel.",
      send: "Versturen",
      fromUser: "U:",
      fromBot: "Assistent:",
      source: "Bron",
      typing: "De assistent typt…",
      suggestions: "Voorgestelde antwoorden",
      feedbackGroup: "Uw mening over dit antwoord",
      helpful: "Nuttig antwoord",
      notHelpful: "Geen nuttig antwoord",
      feedbackThanks: "Bedankt voor uw mening.",
      feedbackFailed: "Uw mening kon niet worden opgeslagen. Probeer opnieuw.",
      networkError: "De assistent is niet bereikbaar. Controleer uw internetverbinding en probeer opnieuw.",
      serverError: "De assistent ondervond een probleem. Probeer zo meteen opnieuw.",
      noAnswer: "De assistent heeft niet geantwoord. Herformuleer uw vraag.",
      retry: "Opnieuw proberen",
      switchedTo: "Nederlands"
    }
  };
  var LANGS = ["fr", "nl"];
  var STORAGE_KEY = "digilab.webchat.v1";
  var MAX_KEPT = 200;           // messages kept in sessionStorage
  var MAX_MESSAGE = 2000;       // as the API: longer is refused
  var REQUEST_TIMEOUT_MS = 65000; // the API gives Rasa 30 s: this only catches a dead network
  // Material Icons "thumb_up" (Apache-2.0); the thumb down is the same path turned over.
  var THUMB = "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 " +
    "7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";

  var state;
  var busy = false;
  var els = {};

  // ---- state, kept across reloads of the tab ----------------------------------------------------

  function newSender() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function preferredLang() {
    var asked = new URLSearchParams(window.location.search).get("lang");
    if (LANGS.indexOf(asked) >= 0) return asked;
    var prefs = navigator.languages || [navigator.language || "fr"];
    for (var i = 0; i < prefs.length; i++) {
      var code = String(prefs[i]).slice(0, 2).toLowerCase();
      if (LANGS.indexOf(code) >= 0) return code;
    }
    return "fr";
  }

  function load() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.messages)) {
        if (LANGS.indexOf(saved.lang) < 0) saved.lang = preferredLang();
        return saved;
      }
    } catch (e) { /* storage off or corrupt: start afresh */ }
    return { sender: newSender(), lang: preferredLang(), messages: [] };
  }

  function save() {
    state.messages = state.messages.slice(-MAX_KEPT);
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (e) { /* private mode or full: the conversation still works, it just will not survive a reload */ }
  }

  function t(key, lang) { return STRINGS[lang || state.lang][key]; }

  // ---- language of the page ---------------------------------------------------------------------

  function applyLang() {
    var lang = state.lang;
    document.documentElement.lang = lang;
    document.title = t("pageTitle");
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-placeholder]"), function (el) {
      el.setAttribute("placeholder", t(el.getAttribute("data-i18n-placeholder")));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-label]"), function (el) {
      el.setAttribute("aria-label", t(el.getAttribute("data-i18n-label")));
    });
    Array.prototype.forEach.call(document.querySelectorAll(".lang-button"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-lang") === lang));
    });
    // The welcome is the page speaking: it follows the page's language.
    els.welcome.setAttribute("lang", lang);
  }

  function setLang(lang) {
    if (LANGS.indexOf(lang) < 0 || lang === state.lang) return;
    state.lang = lang;
    save();
    applyLang();
    autoGrow();
  }

  // ---- rendering --------------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Text with its web and e-mail addresses as links; never parsed as HTML.
  function richText(parent, text) {
    var pattern = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]])|([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
    var last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = el("a", null, match[0]);
      link.href = match[1] ? match[1] : "mailto:" + match[2];
      if (match[1]) { link.target = "_blank"; link.rel = "noopener noreferrer"; }
      parent.appendChild(link);
      last = pattern.lastIndex;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function speaker(key) {
    var who = el("span", "visually-hidden", t(key) + " ");
    who.setAttribute("data-i18n", key);
    return who;
  }

  function thumbIcon(down) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", THUMB);
    if (down) path.setAttribute("transform", "rotate(180 12 12)");
    svg.appendChild(path);
    return svg;
  }

  function feedbackRow(message) {
    var row = el("div", "feedback");
    row.setAttribute("role", "group");
    row.setAttribute("data-i18n-label", "feedbackGroup");
    row.setAttribute("aria-label", t("feedbackGroup"));
    var note = el("span", "feedback-note");
    [[1, "helpful"], [-1, "notHelpful"]].forEach(function (choice) {
      var button = el("button", "thumb");
      button.type = "button";
      button.setAttribute("data-rating", String(choice[0]));
      button.setAttribute("data-i18n-label", choice[1]);
      button.setAttribute("aria-label", t(choice[1]));
      button.setAttribute("aria-pressed", String(message.rating === choice[0]));
      button.disabled = Boolean(message.rating) && message.rating !== choice[0];
      button.appendChild(thumbIcon(choice[0] < 0));
      button.addEventListener("click", function () { rate(message, choice[0], row, note); });
      row.appendChild(button);
    });
    row.appendChild(note);
    return row;
  }

  function quickReplies(buttons) {
    var group = el("div", "quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("data-i18n-label", "suggestions");
    group.setAttribute("aria-label", t("suggestions"));
    buttons.forEach(function (b) {
      var button = el("button", "quick-reply", b.title);
      button.type = "button";
      button.addEventListener("click", function () {
        send(b.payload, { shown: b.title });
        els.input.focus();
      });
      group.appendChild(button);
    });
    return group;
  }

  function renderMessage(message, withButtons) {
    var box = el("div", "message " + message.role);
    if (message.role === "user") {
      box.appendChild(speaker("fromUser"));
      box.appendChild(el("p", "message-text", message.text));
      return box;
    }
    box.setAttribute("lang", message.lang);
    box.appendChild(speaker("fromBot"));
    box.appendChild(richText(el("p", "message-text"), message.text));
    if (message.source) {
      var source = el("p", "source");
      source.appendChild(el("span", "source-label", t("source", message.lang)));
      source.appendChild(document.createTextNode(message.lang === "nl" ? ": " : " : "));
      richText(source, message.source);
      box.appendChild(source);
    }
    if (message.text) box.appendChild(feedbackRow(message));
    if (withButtons && message.buttons && message.buttons.length) box.appendChild(quickReplies(message.buttons));
    return box;
  }

  function renderError(text, retry) {
    var box = el("div", "message error");
    box.setAttribute("lang", state.lang);
    box.appendChild(richText(el("p", "message-text"), text));
    if (retry) {
      var button = el("button", "retry", t("retry"));
      button.type = "button";
      button.addEventListener("click", function () {
        box.remove();
        retry();
        els.input.focus();
      });
      box.appendChild(button);
    }
    els.log.appendChild(box);
    scrollToEnd();
  }

  function renderAll() {
    Array.prototype.slice.call(els.log.children).forEach(function (child) {
      if (child !== els.welcome) child.remove();
    });
    var lastUser = -1;
    state.messages.forEach(function (m, i) { if (m.role === "user") lastUser = i; });
    state.messages.forEach(function (m, i) { els.log.appendChild(renderMessage(m, i > lastUser)); });
  }

  function dropQuickReplies() {
    Array.prototype.forEach.call(els.log.querySelectorAll(".quick-replies, .message.error"), function (node) {
      node.remove();
    });
  }

  // To the end of the conversation; a reply taller than the screen shows from its first line.
  function scrollToEnd(firstOfReply) {
    window.requestAnimationFrame(function () {
      window.scrollTo(0, document.documentElement.scrollHeight);
      if (firstOfReply && firstOfReply.getBoundingClientRect().top < 0) firstOfReply.scrollIntoView({ block: "start" });
    });
  }

  function setBusy(on) {
    busy = on;
    els.send.setAttribute("aria-disabled", String(on));
    els.typing.textContent = "";
    if (on) {
      var dots = el("span", "dots");
      dots.setAttribute("aria-hidden", "true");
      dots.appendChild(el("span"));
      dots.appendChild(el("span"));
      dots.appendChild(el("span"));
      els.typing.appendChild(dots);
      els.typing.appendChild(document.createTextNode(t("typing")));
    }
  }

  // ---- talking to the API -----------------------------------------------------------------------

  function postJSON(path, body, lang) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    return fetch(path + "?lang=" + encodeURIComponent(lang), {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return { status: response.status, ok: response.ok, data: data };
      });
    }).finally(function () { window.clearTimeout(timer); });
  }

  function lastQuestion() {
    for (var i = state.messages.length - 1; i >= 0; i--) {
      if (state.messages[i].role === "user") return state.messages[i].text;
    }
    return "";
  }

  // Sends what the bot reads (`text`); the conversation shows `options.shown`, or nothing when silent.
  function send(text, options) {
    options = options || {};
    if (busy || !text) return;
    dropQuickReplies();
    if (!options.silent && !options.retrying) {
      var mine = { role: "user", text: options.shown || text };
      state.messages.push(mine);
      save();
      els.log.appendChild(renderMessage(mine, false));
    }
    var question = options.silent ? (options.shown || text) : lastQuestion();
    setBusy(true);
    scrollToEnd();
    postJSON("/api/v1/chat", { sender: state.sender, message: text }, state.lang).then(function (reply) {
      setBusy(false);
      if (reply.ok && reply.data && Array.isArray(reply.data.messages)) {
        receive(reply.data, question);
      } else {
        var known = reply.data && typeof reply.data.message === "string" ? reply.data.message : null;
        renderError(known || t("serverError"), reply.status >= 500 ? function () {
          send(text, { shown: options.shown, silent: options.silent, retrying: true });
        } : null);
      }
    }).catch(function () {
      setBusy(false);
      renderError(t("networkError"), function () {
        send(text, { shown: options.shown, silent: options.silent, retrying: true });
      });
    });
  }

  function receive(data, question) {
    // The conversation's language decides the page's: a Dutch answer turns the page Dutch.
    if (data.language) setLang(data.language);
    var lang = data.language || state.lang;
    if (!data.messages.length) {
      renderError(t("noAnswer"), null);
      return;
    }
    var first = null;
    data.messages.forEach(function (m) {
      var mine = {
        role: "bot", text: m.text || "", source: m.source || null, lang: lang, question: question,
        buttons: (m.buttons || []).filter(function (b) { return b && b.title && b.payload; }),
        rating: 0
      };
      state.messages.push(mine);
      var node = els.log.appendChild(renderMessage(mine, true));
      first = first || node;
    });
    save();
    scrollToEnd(first);
  }

  function rate(message, rating, row, note) {
    if (message.rating) return;
    var sourceLabel = t("source", message.lang) + (message.lang === "nl" ? ": " : " : ");
    var answer = message.text + (message.source ? "\n\n" + sourceLabel + message.source : "");
    postJSON("/api/v1/feedback", {
      sender: state.sender, question: (message.question || "—").slice(0, 4000), answer: answer.slice(0, 8000),
      rating: rating
    }, message.lang).then(function (reply) {
      if (!reply.ok) throw new Error(String(reply.status));
      message.rating = rating;
      save();
      Array.prototype.forEach.call(row.querySelectorAll(".thumb"), function (button) {
        var mine = Number(button.getAttribute("data-rating")) === rating;
        button.setAttribute("aria-pressed", String(mine));
        button.disabled = !mine;
      });
      note.textContent = t("feedbackThanks");
    }).catch(function () {
      note.textContent = t("feedbackFailed");
    });
  }

  // ---- wiring -----------------------------------------------------------------------------------

  // The box grows with the question, and with the example while it is empty (narrow screens wrap it).
  function autoGrow() {
    var input = els.input;
    var empty = !input.value;
    if (empty) input.value = input.placeholder;
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 4, 160) + "px";  // + the 2px borders
    if (empty) input.value = "";
  }

  function start() {
    els = {
      log: document.getElementById("log"),
      welcome: document.getElementById("welcome"),
      typing: document.getElementById("typing"),
      composer: document.getElementById("composer"),
      input: document.getElementById("message"),
      send: document.getElementById("send"),
      newChat: document.getElementById("new-chat")
    };
    state = load();
    save();
    applyLang();
    renderAll();
    autoGrow();
    if (state.messages.length) scrollToEnd();

    els.composer.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = els.input.value.trim().slice(0, MAX_MESSAGE);
      if (!text || busy) return;
      els.input.value = "";
      autoGrow();
      send(text);
    });
    els.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey &&
          !event.isComposing) {
        event.preventDefault();
        els.composer.requestSubmit();
      }
    });
    els.input.addEventListener("input", autoGrow);
    window.addEventListener("resize", autoGrow);
    // Browsers differ on whether following "#message" also focuses it: make sure it does.
    document.querySelector(".skip-link").addEventListener("click", function (event) {
      event.preventDefault();
      els.input.focus();
    });
    Array.prototype.forEach.call(document.querySelectorAll(".lang-button"), function (button) {
      button.addEventListener("click", function () {
        var lang = button.getAttribute("data-lang");
        if (lang === state.lang || busy) return;
        setLang(lang);
        send('/request_language{"language":"' + lang + '"}', { silent: true, shown: t("switchedTo", lang) });
      });
    });
    els.newChat.addEventListener("click", function () {
      if (busy) return;
      state = { sender: newSender(), lang: state.lang, messages: [] };
      save();
      renderAll();
      els.input.value = "";
      els.input.focus();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
