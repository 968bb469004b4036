"""Small talk every knowledge base understands: greetings, thanks, goodbyes, "are you a person?", "ok".

These are everyday English, not knowledge, so they ship with faqbot: a knowledge base made by `faqbot import`
has sensible small talk too. A knowledge base's own `smalltalk:` adds phrasings to an intent and replaces its
reply (or adds an intent of its own). Replies may name the knowledge base as `{title}`.

A message is small talk when it is made of small-talk phrases, courtesy words and words the knowledge base
does not use for its topics: "thank you so much for the information" is, "thanks, can I still run?" is a
question.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import cues
from .knowledge import Meta, Smalltalk

__all__ = ["COURTESY", "GENERIC", "catalogue"]

GENERIC: dict[str, tuple[str, str]] = {
    "greeting": (
        """hi | hello | hey | hiya | hey there | hi there | hello there | good morning | good afternoon | good evening
        howdy | greetings | yo | morning | afternoon | evening | g day | gday | hola | namaste | salaam | salam
        assalamualaikum | salaam alaikum | salam alaikum | assalamu alaikum | shalom | bonjour | ciao | hallo | ola
        sup | wassup | whats up | heya | bore da | prynhawn da | assalam o alaikum | salam o alaikum | howzit
        wah gwaan | wagwan | i am new here | new here | first time here
        first time using this | test | testing | just testing | testing 123 | testing testing | is this working
        does this work | is this thing on""",
        'Hello! I answer questions about "{title}". What would you like to know?',
    ),
    "thanks": (
        """thanks | thank you | thanks a lot | thank you so much | thank you very much | many thanks | thx | ty | ta
        cheers | much appreciated | appreciate it | i appreciate it | thanks for the help | thank you for your help
        that helps | that helped | that really helped | that is helpful | very helpful | helpful | brilliant
        perfect | awesome | great thanks | ok thanks | gracias | merci | danke | shukran | dhanyavad | obrigado
        obrigada | grazie | arigato | thank u | tysm | thanx | thnx | thankyou | cheers mate | legend
        tq | tqvm | tks | thks | thanq | tnx | tenkyu
        muchas gracias | merci beaucoup | danke schon | danke schoen | vielen dank | salamat | salamat po
        maraming salamat | dziekuje | dzieki | xie xie | xiexie | shukriya | dhanyavaad | dhanyawad | spasibo
        tack | takk | tak | dank je | dank u | bedankt | grazie mille | muito obrigado | muito obrigada | god bless
        god bless you | bless you | thanks for the info | thank you for the information | thanks for the advice
        thank you for the advice | thank you for your time | thanks for your time | tanks | tenks
        tank you | tenk yu | go raibh maith agat
        go raibh maith agaibh | diolch | diolch yn fawr | tapadh leat | asante | asante sana | medaase | nagode | dalu
        ngiyabonga | dankie | terima kasih | kamsahamnida | cam on | tesekkurler | tesekkur ederim | efharisto
        koszonom | mahalo | toda | toda raba | kiitos | hvala | multumesc | dekuji | spasiba | shukran jazeelan
        jazakallah | jazak allah | respect | big up | bless up | blessings | nuff respect | much love""",
        'You\'re welcome. Ask me anything else about "{title}".',
    ),
    "goodbye": (
        """bye | goodbye | bye bye | see you | see ya | cya | good night | goodnight | night | nite | farewell
        that is all | that is it | i am done | im done | done | quit | exit | take care | later | laters | ttyl
        catch you later | see you later | c ya | see ya later | cya later | aight cya | talk later | all good bye
        that is all for now | gotta go
        got to go | have to go | need to go | i must go | must go | gtg | g2g | gotta run | got to run | have to run
        i am off | off now | signing off | peace out | peace | laters then | adios | ciao for now | au revoir
        tchau | adeus | hasta luego | chao""",
        'Take care. Come back any time you have a question about "{title}".',
    ),
    "help": (
        """help | help me | what can you do | what can i ask | what do you know | what do you answer | menu | options
        what questions can you answer | what can you help with | topics | list topics | how does this work
        what is this | how do i use this | what should i ask | what can you tell me | what do you cover
        what kind of questions | what sort of questions | what kinda questions | what questions can i ask
        what are you for | what do you do""",
        'I answer the questions in "{title}". Ask in your own words, or pick one of the questions below.',
    ),
    "identity": (
        """who are you | what are you | are you a bot | are you a robot | are you real | are you a real person
        are you human | are you a person | is anyone there | anyone there | is anybody there | anybody there
        is somebody there | is someone there | anyone home | is this a bot | is this a real person
        am i talking to a bot | with whom am i corresponding | whom am i corresponding with
        with whom i am corresponding
        who am i speaking to | who i am speaking to | who i am talking to
        who am i speaking with | who am i chatting with | who am i talking with | whom am i speaking to
        am i talking to a person | am i talking to a human | who am i talking to | who is this | are you ai
        are you an ai | is this ai | is this automated | real person | are you a computer | some ai | ai thing
        a chatbot | a chat bot | actual person | actual human | is this a person
        is this a human | is this a machine | is this a computer | you are a bot | you are a robot | you are a computer
        you are computer | you are a machine | you are a program | you are program | computer program
        computer programme | you are ai | you are an ai | am i talking to ai | am i talking to an ai | talking to ai
        talking to a bot | who made you | who built you | who created you | who programmed you | who wrote you
        speak to a human | talk to a human | speak to a person | talk to a person | speak to a real person
        talk to a real person | speak to someone real | talk to someone real | want a human | get me a human""",
        "I'm an automated assistant, not a person. I answer questions from \"{title}\"; I can't examine you or "
        "give personal advice.",
    ),
    "doctor": (
        """are you a doctor | are you a nurse | are you a physio | are you a physiotherapist | are you medical
        are you a medical professional | are you qualified | are you a real doctor | is this a doctor
        are you an actual doctor | are you actually a doctor | actual doctor | real doctor
        am i talking to a doctor | am i speaking to a doctor | am i talking to a nurse | is a doctor answering
        actual physio | real physio | is this a physio | is this a nurse | am i talking to a physio""",
        "No, I'm not a doctor or a nurse: I'm an automated assistant that answers questions from \"{title}\". "
        "For advice about your own health, please talk to a doctor, nurse or pharmacist.",
    ),
    "how_are_you": (
        """how are you | how are you doing | how is it going | how are things | you ok | you alright | how r u
        how are u | hows it going | how do you do""",
        "I'm fine, thank you: I'm a bot, so I don't have good or bad days. How can I help?",
    ),
    "acknowledge": (
        """ok | okay | k | kk | okey | okie | alright | all right | fine | right | cool | great | good | nice | lovely
        i see | got it | gotcha | understood | noted | makes sense | fair enough | sounds good | lol | haha | lol ok
        hmm | hm | mm | mmm | oh | ah | oh ok | ah ok | interesting | wow | sound | grand | sweet | righto | rightio
        aight | ight | roger | okey dokey | ok then | okay then | i get it | i understand | that makes sense | bet
        say less | true | fair | fair play | ok cool | cool cool | nice one | right you are | right so | meh
        if you say so""",
        'Okay. Is there anything else you\'d like to know about "{title}"?',
    ),
    "will_do": (
        """will do | i will | i will do that | i will try that | i will try | ok i will | okay i will | i will ring
        ring them | ring them now | i will call | call them | calling now | calling them now | i will go | going now
        will go | will go today | go today | today then | on my way | booked | booking it | i will book
        i will see them | i will see a doctor | i will see my gp | i will get it checked | ok going | ok calling""",
        "Good. If anything gets worse, or you notice anything new, please contact a doctor straight away.",
    ),
    "never_mind": (
        """forget it | never mind | nevermind | nvm | doesnt matter | does not matter | it does not matter
        no worries | dont worry | do not worry | skip it | ignore that | ignore me | my bad | sorry | oops
        pressed the wrong thing | pressed the wrong button | wrong button | clicked by mistake | sent by mistake
        sent that by mistake | by mistake | sent too soon | ignore this | wrong chat""",
        "No problem. Ask me something else whenever you like.",
    ),
    "complaint": (
        """useless | you are useless | this is useless | you are no help | you are no use | no help | no use
        not helpful | unhelpful | not much help | not much use | not very helpful | that did not help
        that is not helpful | you are not helping | this is not helping | not helping | waste of time
        a waste of time | pointless | this is pointless | you are rubbish | rubbish | stupid bot | dumb bot
        you are stupid | you suck | this sucks | useless bot | any use | tell me to see a doctor
        just says see a doctor | you are not listening | not listening | you did not listen | this is stupid
        that is stupid | stupid | ridiculous | this is ridiculous | not good enough""",
        "I'm sorry I couldn't help with that. I only answer from \"{title}\", so for anything else, please ask a "
        "doctor, nurse or pharmacist. You're welcome to ask me another question about it.",
    ),
    "disagree": (
        """not what i was told | not what i have been told | not what my | you or her | her or you | you or him
        him or you | you or them | them or you | you or my | my physio or you | my doctor or you | listen to you
        believe you | trust you | saying something different | says something different | said something different
        that contradicts | contradicts what""",
        "Someone who knows your situation in person knows it better than I do, so their advice comes first. I only "
        'give the general answers in "{title}"; if the two seem to differ, ask them about it.',
    ),
    "wait": (
        """wait | wait a sec | wait a minute | hang on | hold on | one sec | one second | one moment | one min
        just a sec | just a second | just a moment | just a minute | give me a sec | give me a second
        give me a minute | brb | be right back | back in a sec | back in a minute | bear with me | sorry i am back
        i am back | im back""",
        "No rush: I'm here when you're ready.",
    ),
    "told": (
        "",  # no phrasings: a statement in the middle of a conversation that asks nothing and answers nothing
        'Thanks for telling me. Is there anything you\'d like to know about "{title}"?',
    ),
}
"""Intent → (phrasings separated by "|", reply)."""

QUESTIONS = frozenset({"identity", "doctor", "how_are_you", "help", "disagree"})
"""Intents that are questions in themselves: recognised in a message that asks, even with a word they do not use
("are you even a real person?"); other small talk must then be all the message says."""

COURTESY = frozenset(
    """very much so lot lots loads really mate love dear x xx xxx guys all again anyway for that this the it
    your you u ur me just oh well then now please pls plz lol haha xd bot buddy pal sir madam maam folks
    and though tho man bro dude kindly heaps muchly tons wait um erm hmm uh ah btw boet bru bra pal fam
    ugh urgh argh sigh pfft welp jeez gosh blimey ooh oof""".split()
)
"""Words small talk may come with ("thanks a lot mate x") without becoming something else."""


def catalogue(meta: Meta, own: Sequence[Smalltalk]) -> tuple[Smalltalk, ...]:
    """The generic intents with the knowledge base's own phrasings and replies merged in (its replies win)."""
    by_intent = {talk.intent: talk for talk in own}
    merged = []
    for intent, (phrasings, reply) in GENERIC.items():
        mine = by_intent.pop(intent, None)
        patterns = (*cues.phrases(phrasings), *(mine.patterns if mine else ()))
        text = mine.reply if mine else reply.replace("{title}", meta.title)
        merged.append(Smalltalk(intent, patterns, text, mine.where if mine else Smalltalk(intent, (), "").where))
    return (*merged, *by_intent.values())
