"""Custom actions: thin adapters from the conversation to knowledge/ and rules/."""

from bot.retrieval import ranked
from helpdesk.masking import mask_logs
from knowledge.loader import default_knowledge
from knowledge.search import function_words

# rasa_sdk has set up its log handlers when it imports this package: e-mails and numbers stay out of them.
mask_logs()

# What the actions read is loaded as rasa_sdk imports them, before the server listens: the first question no longer
# waits 3 s (10 s on a busy machine) for the knowledge, the question index and the sentence encoder.
default_knowledge()
function_words()
ranked("CPAS")
