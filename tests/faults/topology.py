"""The web chat as a person uses it, for the fault tests (the topology itself is bot.serve.Supervised)."""

from __future__ import annotations

import httpx


class WebChat:
    """One person in the web chat: the conversation is the server's signed cookie, as in the browser."""

    def __init__(self, api: str, lang: str = "fr"):
        self.http = httpx.Client(base_url=api, timeout=60)
        self.lang = lang

    def send(self, text: str) -> httpx.Response:
        return self.http.post("/api/v1/chat", params={"lang": self.lang}, json={"message": text})

    def say(self, text: str) -> str:
        """The answers' texts and sources, as the page shows them; a 503's message."""
        response = self.send(text)
        body = response.json()
        if response.status_code != 200:
            return body["message"]
        return "\n---\n".join(m["text"] + ("\n" + m["source"] if m.get("source") else "") for m in body["messages"])
