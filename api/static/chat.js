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
      switchedTo: "Français",
      firstQuestions: "Questions fréquentes",
      starters: [["Quel cluster ?", "/ask_cluster"], ["Calculer l'avance", "/ask_advance"],
        ["Que peut-on encore réclamer ?", "/ask_remaining"], ["Échéances", "/ask_deadlines"]],
      whatWrong: "Qu'est-ce qui n'allait pas ?",
      reasons: [["wrong", "Mauvaise réponse"], ["not_my_question", "Pas ma question"], ["too_long", "Trop long"],
        ["other", "Autre"]],
      handoff: "Transmettre ma question à Digilab",
      handoffOffer: "Voulez-vous que l'équipe Digilab réponde elle-même ?",
      moreDetails: "Plus de détails",
      lessDetails: "Moins de détails",
      opensNewTab: "(s'ouvre dans un nouvel onglet)",
      confirmTitle: "Commencer une nouvelle conversation ?",
      confirmText: "L'assistant oubliera cette conversation. Vos numéros de ticket resteront affichés.",
      confirmYes: "Oui, recommencer",
      confirmNo: "Annuler",
      yourTickets: "Vos tickets Digilab :",
      ticketWord: "n°"
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
      switchedTo: "Nederlands",
      firstQuestions: "Veelgestelde vragen",
      starters: [["Welke cluster?", "/ask_cluster"], ["Voorschot berekenen", "/ask_advance"],
        ["Wat kunnen we nog vorderen?", "/ask_remaining"], ["Deadlines", "/ask_deadlines"]],
      whatWrong: "Wat was er mis?",
      reasons: [["wrong", "Fout antwoord"], ["not_my_question", "Niet mijn vraag"], ["too_long", "Te lang"],
        ["other", "Iets anders"]],
      handoff: "Mijn vraag doorgeven aan Digilab",
      handoffOffer: "Wilt u dat het Digilab-team zelf antwoordt?",
      moreDetails: "Meer details",
      lessDetails: "Minder details",
      opensNewTab: "(opent in een nieuw tabblad)",
      confirmTitle: "Een nieuw gesprek beginnen?",
      confirmText: "De assistent vergeet dit gesprek. Uw ticketnummers blijven zichtbaar.",
      confirmYes: "Ja, opnieuw beginnen",
      confirmNo: "Annuleren",
      yourTickets: "Uw Digilab-tickets:",
      ticketWord: "nr."
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

  // Verdict marks as inline SVG (Material Icons, Apache-2.0): the emoji have no glyph on many machines.
  var VERDICTS = {
    "✅": ["ok", "M9 16.17 4.83 12l-1.42 1.41L9 19 21 7.41 19.59 6z"],
    "❌": ["no", "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z"],
    "⚠️": ["warn", "M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z"],
    "⚖️": ["cond", "M13 7.83c.85-.3 1.53-.98 1.83-1.83H18l-3 7c0 1.66 1.57 3 3.5 3s3.5-1.34 3.5-3l-3-7h2V4h-6.17c-.41-1.17-1.52-2-2.83-2s-2.42.83-2.83 2H3v2h2l-3 7c0 1.66 1.57 3 3.5 3S9 14.66 9 13L6 6h3.17c.3.85.98 1.53 1.83 1.83V19H2v2h20v-2h-9V7.83zM20.37 13h-3.74l1.87-4.37L20.37 13zm-13 0H3.63L5.5 8.63 7.37 13zM12 6c-.55 0-1-.45-1-1s.45-1 1-1 1 .45 1 1-.45 1-1 1z"],
    "❔": ["unknown", "M11.07 12.85c.77-1.39 2.25-2.21 3.11-3.44.91-1.29.4-3.7-2.18-3.7-1.69 0-2.52 1.28-2.87 2.34L6.54 6.96C7.25 4.83 9.18 3 11.99 3c2.35 0 3.96 1.07 4.78 2.41.7 1.15 1.11 3.3.03 4.9-1.2 1.77-2.35 2.31-2.97 3.45-.25.46-.35.76-.35 2.24h-2.89c-.01-.78-.13-2.05.48-3.15zM14 20c0 1.1-.9 2-2 2s-2-.9-2-2 .9-2 2-2 2 .9 2 2z"]
  };
  var TICKET = /ticket (?:n°|nr\.) ?(\d+)/i;
  var PHONE = window.matchMedia ? window.matchMedia("(max-width: 36rem)") : { matches: false };

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
        if (!Array.isArray(saved.tickets)) saved.tickets = [];
        return saved;
      }
    } catch (e) { /* storage off or corrupt: start afresh */ }
    return { sender: newSender(), lang: preferredLang(), messages: [], tickets: [] };
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
    // The welcome is the page speaking: it follows the page's language, its first questions too.
    els.welcome.setAttribute("lang", lang);
    renderWelcome();
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

  function icon(d, turned) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    if (turned) path.setAttribute("transform", "rotate(180 12 12)");
    svg.appendChild(path);
    return svg;
  }

  function thumbIcon(down) { return icon(THUMB, down); }

  // "✅ Éligible. …": the mark becomes an icon beside the word, which says the verdict on its own.
  function verdict(text) {
    for (var mark in VERDICTS) {
      if (text.indexOf(mark + " ") === 0) {
        var badge = el("span", "verdict verdict-" + VERDICTS[mark][0]);
        badge.appendChild(icon(VERDICTS[mark][1]));
        return { badge: badge, text: text.slice(mark.length + 1) };
      }
    }
    return { badge: null, text: text };
  }

  // The first two sentences, and the rest; a sentence (or a line) ends at . ! ? or a line break, not inside
  // "235.022,50"; blank lines count for nothing.
  function firstSentences(text) {
    var pattern = /[.!?](?=\s+[A-ZÀ-ÖØ-Þ«„•(])|\n/g;
    var count = 0, last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      if (!text.slice(last, match.index + 1).trim().replace(/^[.!?]$/, "")) { last = match.index + 1; continue; }
      last = match.index + 1;
      count += 1;
      if (count === 2) return [text.slice(0, last), text.slice(last)];
    }
    return [text, ""];
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
      button.addEventListener("click", function () {
        if (choice[0] > 0) rate(message, 1, null, row, note);
        else askWhy(message, row, note);
      });
      row.appendChild(button);
    });
    row.appendChild(note);
    if (message.rating < 0) row.appendChild(handoffOffer(message));
    return row;
  }

  function askWhy(message, row, note) {
    if (message.rating || row.querySelector(".reasons")) return;
    var down = row.querySelector('.thumb[data-rating="-1"]');
    down.setAttribute("aria-pressed", "true");
    var group = el("div", "reasons");
    group.setAttribute("role", "group");
    var title = el("p", "reasons-title", t("whatWrong", message.lang));
    title.id = "why-" + Math.random().toString(36).slice(2);
    group.setAttribute("aria-labelledby", title.id);
    group.appendChild(title);
    t("reasons", message.lang).forEach(function (reason) {
      var button = el("button", "reason", reason[1]);
      button.type = "button";
      button.addEventListener("click", function () { rate(message, -1, reason[0], row, note); });
      group.appendChild(button);
    });
    row.appendChild(group);
    group.querySelector(".reason").focus();
  }

  function handoffOffer(message) {
    var box = el("div", "handoff-offer");
    box.appendChild(el("p", null, t("handoffOffer", message.lang)));
    var button = el("button", "quick-reply", t("handoff", message.lang));
    button.type = "button";
    button.addEventListener("click", function () {
      send("/human_handoff", { shown: t("handoff", message.lang) });
      els.input.focus();
    });
    box.appendChild(button);
    return box;
  }

  function quickReplies(buttons, starters) {
    var group = el("div", "quick-replies" + (starters ? " starters" : ""));
    group.setAttribute("role", "group");
    group.setAttribute("data-i18n-label", starters ? "firstQuestions" : "suggestions");
    group.setAttribute("aria-label", t(starters ? "firstQuestions" : "suggestions"));
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

  function sourceLine(message) {
    var source = el("p", "source");
    source.appendChild(el("span", "source-label", t("source", message.lang)));
    source.appendChild(document.createTextNode(message.lang === "nl" ? ": " : " : "));
    var parts = message.sourceParts && message.sourceParts.length ? message.sourceParts : [{ text: message.source }];
    parts.forEach(function (part) {
      if (!part.href || part.href.charAt(0) !== "/") {
        source.appendChild(document.createTextNode(part.text));
        return;
      }
      var link = el("a", null, part.text);
      link.href = part.href;
      link.target = "_blank";
      link.rel = "noopener";
      link.appendChild(el("span", "visually-hidden", " " + t("opensNewTab", message.lang)));
      source.appendChild(link);
    });
    return source;
  }

  // The text, folded after its first two sentences on a phone ("Plus de détails"); the source stays outside.
  function messageText(message) {
    var parts = verdict(message.text);
    var p = el("p", "message-text");
    if (parts.badge) p.appendChild(parts.badge);
    var split = PHONE.matches ? firstSentences(parts.text) : [parts.text, ""];
    if (split[1].trim().length < 80) return richText(p, parts.text);
    richText(p, split[0]);
    var rest = richText(el("span", "more-text"), split[1]);
    rest.hidden = true;
    rest.id = "more-" + Math.random().toString(36).slice(2);
    p.appendChild(rest);
    var toggle = el("button", "more", t("moreDetails", message.lang));
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", rest.id);
    toggle.addEventListener("click", function () {
      rest.hidden = !rest.hidden;
      toggle.setAttribute("aria-expanded", String(!rest.hidden));
      toggle.textContent = t(rest.hidden ? "moreDetails" : "lessDetails", message.lang);
    });
    var wrap = el("div", "message-body");
    wrap.appendChild(p);
    wrap.appendChild(toggle);
    return wrap;
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
    if (message.text) box.appendChild(messageText(message));
    if (message.source) box.appendChild(sourceLine(message));
    if (message.text && !message.asks) box.appendChild(feedbackRow(message));
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

  function renderWelcome() {
    var old = els.welcome.querySelector(".starters");
    if (old) old.remove();
    var oldTickets = els.welcome.querySelector(".tickets");
    if (oldTickets) oldTickets.remove();
    if (state.tickets && state.tickets.length) {
      var tickets = el("p", "tickets", t("yourTickets") + " " + state.tickets.map(function (n) {
        return t("ticketWord") + " " + n;
      }).join(", "));
      els.welcome.appendChild(tickets);
    }
    // The payload carries the page's language: a button press has no words for the bot to read it from.
    var lang = state.lang;
    els.welcome.appendChild(quickReplies(t("starters").map(function (s) {
      return { title: s[0], payload: s[1] + '{"language":"' + lang + '"}' };
    }), true));
  }

  function renderAll() {
    renderWelcome();
    Array.prototype.slice.call(els.log.children).forEach(function (child) {
      if (child !== els.welcome) child.remove();
    });
    var lastUser = -1;
    state.messages.forEach(function (m, i) { if (m.role === "user") lastUser = i; });
    state.messages.forEach(function (m, i) { els.log.appendChild(renderMessage(m, i > lastUser)); });
  }

  function dropQuickReplies() {
    Array.prototype.forEach.call(els.log.querySelectorAll(".quick-replies:not(.starters), .message.error"),
      function (node) {
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
        // The server issues the conversation (a signed cookie); the page keeps its id for the feedback it sends.
        if (typeof reply.data.conversation === "string") state.sender = reply.data.conversation;
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
        sourceParts: Array.isArray(m.source_parts) ? m.source_parts : [], asks: Boolean(m.asks),
        buttons: (m.buttons || []).filter(function (b) { return b && b.title && b.payload; }),
        rating: 0
      };
      var ticket = TICKET.exec(mine.text);
      if (ticket && state.tickets.indexOf(ticket[1]) < 0) state.tickets.push(ticket[1]);
      state.messages.push(mine);
      var node = els.log.appendChild(renderMessage(mine, true));
      first = first || node;
    });
    save();
    scrollToEnd(first);
  }

  function rate(message, rating, reason, row, note) {
    if (message.rating) return;
    var sourceLabel = t("source", message.lang) + (message.lang === "nl" ? ": " : " : ");
    var answer = message.text + (message.source ? "\n\n" + sourceLabel + message.source : "");
    postJSON("/api/v1/feedback", {
      sender: state.sender, question: (message.question || "—").slice(0, 4000), answer: answer.slice(0, 8000),
      rating: rating, reason: reason
    }, message.lang).then(function (reply) {
      if (!reply.ok) throw new Error(String(reply.status));
      message.rating = rating;
      message.reason = reason;
      save();
      var reasons = row.querySelector(".reasons");
      if (reasons) reasons.remove();
      Array.prototype.forEach.call(row.querySelectorAll(".thumb"), function (button) {
        var mine = Number(button.getAttribute("data-rating")) === rating;
        button.setAttribute("aria-pressed", String(mine));
        button.disabled = !mine;
      });
      note.textContent = t("feedbackThanks", message.lang);
      if (rating < 0) {
        var offer = row.appendChild(handoffOffer(message));
        offer.querySelector("button").focus();
      }
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
      newChat: document.getElementById("new-chat"),
      confirm: document.getElementById("confirm-new")
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
      if (!state.messages.length) { els.input.focus(); return; }
      els.confirm.showModal();
    });
    els.confirm.addEventListener("close", function () {
      if (els.confirm.returnValue !== "yes") { els.newChat.focus(); return; }
      // The ticket numbers stay: the asker needs them to follow up with Digilab.
      state = { sender: newSender(), lang: state.lang, messages: [], tickets: state.tickets };
      save();
      // A new conversation on the server too: the cookie it signs is the only id it accepts.
      postJSON("/api/v1/chat/restart", {}, state.lang).then(function (reply) {
        if (reply.ok && reply.data && typeof reply.data.conversation === "string") {
          state.sender = reply.data.conversation;
          save();
        }
      });
      renderAll();
      els.input.value = "";
      els.input.focus();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
