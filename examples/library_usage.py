"""faqbot as a library: load the bundled knowledge base, hold a conversation, save and resume it."""

import json

import faqbot

bot = faqbot.Bot.load()  # or faqbot.Bot.load("my_faq.yaml")
session = bot.session()

reply = session.ask("Is it safe to exercise when I am in pain?")
print(reply.kind, reply.entry_id)  # follow_up exercise-when-in-pain: it asks before it answers
print(reply.text, reply.options)  # the question, and quick replies ('Yes', 'No', 'Not sure')

saved = json.dumps(reply.state)  # plain JSON: keep it in a cookie, a database, a file ...
session = bot.session(json.loads(saved))  # ... and carry on later, in any process

for answer in ("Yes", "it's muscular"):
    reply = session.ask(answer)
print(reply.kind, reply.entry_id)  # answer exercise-when-in-pain
print(reply.markdown)  # also reply.text (plain) and reply.html (safe HTML)
