"""English cues that change what a statement means: negation, whose it is, when it was, and how old someone is.

"No numbness", "my dog had a tumour", "I had a fever last month, all better now", "my legs have been weak for
years" share words with red-flag signs but are not signs now. Such cues are English grammar, not domain
knowledge, so they live here and every knowledge base gets them; a knowledge base declares per sign which of
them may cancel it (`RedFlag.cancelled_by`). When a cue is unsure, it does not cancel: a false alarm is better
than a miss.

Every function reads *folded* words (`text.tokens`: lower case, contractions expanded, punctuation gone) before
synonyms are applied, so a knowledge base's synonyms ("fine" → "safe") cannot change their meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from . import frequency

__all__ = [
    "QUESTION_OPENERS",
    "QUESTION_WORDS",
    "SOFTENERS",
    "about_the_body",
    "afraid",
    "ages",
    "asks_how_serious",
    "came_and_went",
    "chunks",
    "compared",
    "consume",
    "denied_later",
    "dismisses",
    "follows_on",
    "has_phrase",
    "in_the_past",
    "long_standing",
    "negated",
    "of_someone_else",
    "on_behalf",
    "others_ages",
    "own_back",
    "past_fillers",
    "phrases",
    "plays_down",
    "poses_condition",
    "positions",
    "question_form",
    "refuses",
    "sentences",
    "someone_else",
    "speaks_of_self",
    "states_condition",
    "supposes",
    "typo_of",
]


def phrases(text: str) -> tuple[str, ...]:
    """Phrases separated by "|" or line ends (compact to read)."""
    return tuple(" ".join(p.split()) for p in re.split(r"[|\n]", text) if p.strip())


_SENTENCE_END = re.compile(
    r"((?:\.(?<!\bapprox\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\b[DdMm]r\.)(?<!\bMrs\.)(?<!\bvs\.)|[!?;])[.!?;]*(?=\s|$)|[\n\r]+)"
)
"""A sentence ends at its closing punctuation, not at the stop of "approx.", "e.g.", "Dr." or "vs."."""
_CHUNK = re.compile(
    r"[,:()\u2013\u2014]+|\s-+\s|(?=\b(?:but|though|although|however)\b)", re.IGNORECASE
)  # a conjunction starts the next part (and stays in it: it ends a negation's reach)
QUESTION_WORDS = frozenset("what which how why when where who is are do does did can could should would".split())
"""The question words and verbs every list of question openers shares; each list adds what its place allows."""
QUESTION_OPENERS = QUESTION_WORDS | frozenset(
    """shall isnt arent am dont will wouldnt whats hows whos any anything anyone ok okay tips advice ideas recommend
    help tell show explain list suggest please pls plz wheres whens whys""".split()
)
"""First words of a question, when the question mark is missing: "can i still run", "any tips"."""
_INTERJECTION = re.compile(r"\b(no|nope|nah)\s*,", re.IGNORECASE)
"""Where sentences end. "38.5" stays whole; "No, both legs are numb" splits after the interjection, so its
"no" does not negate what follows."""

NEGATORS = frozenset("no not never without none nothing neither nor nobody zero".split())
_NOT_A_DENIAL = frozenset(
    """sure certain know understand explain why when let allow business whats relief relieve relieves help helps
    difference improvement ease eases easing better touched touch touches shifted shift shifts budged budge""".split()
)
"""After a negator these make doubt or persistence, not denial: "not sure if it is numbness", "do not know why",
"zero relief lying down", "nothing helps"."""
_ABILITY = frozenset(
    """feel feeling feelings sensation sense control move moving walk walking stand standing lift pee peeing wee
    weeing urinate go going hold stop tell notice empty pass urge wipe sit strong strength steady""".split()
)
"""Negating an ability or a sensation describes a loss, not a denial: "no feeling down there", "no control
over my bladder", "not been able to pee", "both my legs are not strong" are signs."""
_FILLER = frozenset(
    "have has had any been able to much really got even quite properly very a the my can could about".split()
)
_BARRIERS = frozenset("but though although however except yet whereas apart and".split())
"""A negation does not reach past these: "no fever but both legs feel weak"."""
_LOOKBACK = 5
_NOT_ENGLISH = frozenset("me te se le lo la puedo tengo es peito get dey".split())
"""After "no", words that make it Spanish or Portuguese ("no me deja dormir", "no peito"), not a denial."""
_HYPOTHETICAL = phrases(
    """
    asked if | asked whether | asked me if | asked me whether | asked about | asked me about | checked for
    checked me for | checked if | tested for | tested me for | screened for | ruled out | what happens if | what if
    in case | if i ever | if i were to | risk of | chance of | link between | read about | reading about | googled
    googling | looked up | looking up | heard about | prevent
    preventing | prevention of | ask me | asks me | scared i will | afraid i will | worried i will | worried i might
    warning signs | signs of | symptoms of | red flags | list of | an article | article about | article on | articles
    in the paper | online
    """
)
"""Before a sign, these report a question or imagine a case instead of stating it: "the doctor asked if I had
any numbness", "what happens if I fall"."""
_HYPOTHETICAL_REACH = 6
_DENIALS = frozenset(
    "no|nope|nah|none|not really|no no|no i do not|no i have not|no not at all|not at all|i said no|"
    "no i am not|no it is not|negative|never".split("|")
)
"""A whole short sentence (or the start of one) right after a sign that denies it: "Chest pain? Nope."."""

SELF = frozenset("i me myself".split())
PEOPLE = frozenset(
    """mum mom mam mother mommy mummy dad father daddy husband wife partner son daughter child children kid kids baby
    brother sister sibling friend mate grandma grandmother gran granny nan nana grandad granddad grandpa grandfather
    aunt auntie aunty uncle cousin neighbour neighbor colleague coworker boss boyfriend girlfriend fiance fiancee
    nephew niece boy girl lad lass grandson granddaughter grandchild teen teenager toddler stepdad stepmum stepmom
    stepson stepdaughter stepfather stepmother someone gf bf hubby wifey missus mrs nani nana dadi grandpa
    somebody he she him her his hers da pa mama papa lola lolo tita tito flatmate housemate roommate roomie gentleman
    patient""".split()
)
ANIMALS = frozenset(
    """dog dogs doggy puppy pup cat cats kitten kitty pet pets horse pony rabbit bunny hamster guinea parrot budgie
    tortoise labrador retriever spaniel collie terrier greyhound whippet mare gelding stallion foal donkey pooch
    mutt""".split()
)
_BODY = frozenset(
    """back backs spine spinal lumbar lumbago legs leg feet foot bum bottom buttocks bladder bowel bowels chest groin
    privates hips pain pains painful hurts hurt hurting sore aching ache aches achy backache problems trouble
    twinge twinges""".split()
)
_POSSESSIVES = frozenset("his her".split())
_SUBJECTS = frozenset("he she".split())
_PRONOUNS = frozenset("him hers".split())
"""A pronoun alone does not say whose back it is ("I hurt my back catching her"); "her back" does."""
_BACK = frozenset("back backs spine spinal lumbar lumbago legs bladder bowels bum bottom backache".split())
_SELF_MARKERS = frozenset("my i me myself".split())
_BEHALF_PHRASES = phrases(
    """
    on behalf | asking for a | asking for him | asking for her | for him | for her
    """
)

_MINE = phrases(
    "but mine | mine is | mine was | mine has | mine started | my own back | my own pain | this is about me"
    " | about me not"
)
_LONG_AGO = phrases(
    "years ago | year ago | decades ago | decade ago | long ago | long time ago | last year | as a child | as a kid"
    " | when i was young | when i was little | when i was a | years back | year back | decades back"
)
"""Long ago, not lately: what `came_and_went` sets apart from a sign that passed yesterday."""
_PAST = _LONG_AGO + phrases(
    """
    as a teenager | as a teen | as a baby | when i was younger
    fine now | ok now | okay now | alright now | better now | all better | all good now | cleared up | clear now
    went away | gone now | has gone away | have gone away | resolved | recovered | no longer | not anymore
    not any more | settled down | settled now | back to normal | got over | long gone | all gone | fully healed
    healed up | completely healed | did heal | it healed | all healed | healthy now | now i am healthy
    i am healthy now | got over it | she is fine | he is fine | they are fine | was fine | is fine now
    was ok | was okay | right as rain | i am right as rain | finished completely | it finished | long gone
    totally gone | sorted it | sorted now | completely gone | fully recovered | now gone | all normal
    cleared right up | all cleared | cleared now | is finish | it is finish | finish now | is finished | it is over
    over now | now over
    came back normal | was normal | were normal | finished completely | temperature is normal | normal now
    last summer | last winter | last spring | last autumn | is ok now | he is ok | she is ok
    they are ok
    """
)
"""Resolved, or long ago: "I had a fever last week, it's gone now", "I fell off a ladder years ago"."""
_LONG_STANDING = phrases(
    """
    for years | for many years | for decades | all my life | my whole life | since birth | since childhood
    always had | long term | long standing | longstanding | lifelong | for a long time | for a few years | chronic
    for several years | for some years | for months | for many months | for a few months | for several months
    since my teens | since my twenties | since my thirties | since my forties | since my fifties | since my sixties
    since my 20s | since my 30s | since my 40s | since my 50s | since i was | old friend | years now | decades now
    most of my life | half my life | since last season | since last year | since the summer | since the spring
    since the autumn | since the winter | since the start of the year | has done for ages | always have been
    always has been | most of this season | all season | this season | for a decade | a decade now | most of this term
    all term | since my 20 s | since my 30 s | since my 40 s | since my 50 s | since my 60 s
    same as always | same as ever | same old | it has always been | it is always been | always been like this
    always been the same | always been this way
    """
)
"""Long-standing, so not a new sign: "my legs have been weak for years", "on and off for ages"."""
_FOR_UNITS = re.compile(
    r"\b(?:for|had it|had them|had that|had this) "
    r"(?:(?:the|last|past|about|around|over|nearly|almost|more|than|some|a|good|well|like|roughly|maybe|at|"
    r"least|best|part|of|going|on|getting|close|to|few|couple|many|several) ){0,4}?(?:\d+|two|three|four|five|six|"
    r"seven|eight|nine|ten|"
    r"twenty|thirty|forty|many|several) (?:years?|yrs?|decades?|months)\b"
)

_NUMBER_WORDS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_DECADES = {
    "teens": 15, "twenties": 25, "thirties": 35, "forties": 45, "fifties": 55, "sixties": 65, "seventies": 75,
    "eighties": 85, "nineties": 95, "20s": 25, "30s": 35, "40s": 45, "50s": 55, "60s": 65, "70s": 75, "80s": 85,
    "90s": 95,
}  # fmt: skip
_AGE_WORDS = {
    "teenager": 15, "teen": 15, "pensioner": 70, "oap": 70, "schoolboy": 14, "schoolgirl": 14, "gcses": 16,
    "gcse": 16, "highschooler": 16,
}  # fmt: skip
_SCHOOL_YEARS = {"year": 5, "grade": 6, "yr": 5}
"""A school year read as an age: UK "Year 10" pupils are about 15, US "grade 10" students about 16."""
_MAYBE_AGE = frozenset([*_AGE_WORDS, *_DECADES, *_NUMBER_WORDS])
_FIGURATIVE = frozenset("feel feels feeling felt like look looks looked".split())
"""Before an age, these make it a figure of speech: "I feel about 90 years old today"."""
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_AGE_AFTER = frozenset("yo y old aged female male f m anni anos ans jahre yrs".split())
_DURATION = frozenset("years year yrs yr".split())
TIME_WORDS = frozenset(
    """today yesterday tonight tomorrow now again since ago for still lately recently this last past week weeks
    weekend day days month months year years hour hours minute minutes morning mornings evening evenings night
    nights monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december fortnight couple few several one two three four five six seven
    eight nine ten""".split()
)
"""Words that say when or for how long: a story of the pain with nothing else in it still says only that it
hurts."""
_SOMEONE = frozenset("man woman gentleman lady girl boy chap fellow fella guy person widow widower".split())
_AGE_BEFORE = frozenset(
    """i am aged age retired at turned turning over under one hes shes im here hit
    freshman sophomore fresher student""".split()
)
"""Words an age follows: "I am 19", "aged 19", and a writer's role given with it ("freshman, 19")."""
_AT_A_TIME = frozenset(
    """ring rings ringing rang call calls calling phone phones phoning open opens opened close closes shut shuts
    wake wakes woke waking up get gets leave leaves left arrive finish finishes book booked appointment lines line
    bed dinner lunch breakfast work shift meet meeting pick surgery clinic office gym school class gp doctor doctors
    doc dr nurse physio physiotherapist hospital see seeing seen appt""".split()
)
"""Before "at", these make the number a time of day, not an age: "you ring at 8", "I wake at 4 with it", "ring
the surgery at 8", "booked in with the GP at 4"."""
_AGE_FILLER = frozenset("is am now just nearly almost about around only na".split())  # Pidgin "my papa na 70"
_NOT_AN_AGE = frozenset(
    """kg kgs kilo kilos lbs lb pounds pound stone stones st weeks week days day hours hour minutes mins months
    month times percent miles mile km k c degrees mg ml reps sets foot feet ft inches cm o clock am pm pounds""".split()
)


_DISMISSED = phrases(
    """
    fine now | i am fine | i feel fine | i am ok | i am okay | i am alright | i am all right | i am right | feel ok
    feel okay | feel better | feeling better | better now | all good | it is fine | its fine | probably nothing
    it is nothing | nothing serious | not serious | nothing to worry | no big deal | not that bad | not so bad
    not too bad | not even that | no even that | probably just | just a cold | only a | it is just | i will be fine
    will be fine | be right | literally fine | totally fine | honestly fine | actually fine | perfectly fine
    overreacting | over reacting | exaggerating | do not worry | not worried | i doubt | went away | has gone
    gone now | passed now | it is ok | it is okay | it is alright | i am good | he is fine | she is fine
    they are fine | only small | only a small | only a little | just a little | only mild | not much pain
    i think it is because | it is because | probably because | must be | it is from | probably from | just from
    only from | it is only | it was only | nothing but | not going to | no need | do not need | cannot be bothered
    not bothered | do not want to bother | rather not bother | not want to bother | not bother | waste their time
    wasting their time | waste of time | too busy | so busy | want a fuss | make a fuss | making a fuss | no fuss
    really need to | really have to | do i have to go | do i need to go | need to go today | have to go today
    must i go | can it wait | could it wait | will it wait | can this wait | can that wait | does it have to be
    is it really | really that serious | that urgent | really urgent | is it that serious | i have work | got work
    have to work | my shift | no money | not have money | not have the money | cannot afford | can not afford
    not afford | too expensive | costs too much | no insurance | not insured | no time | not have time | no car
    no one to drive | nobody to drive | no one to look after | nobody to look after | no childcare
    see if it settles | see if it eases | see if it calms | see if it goes | see if it gets better | see if it helps
    see if it improves | see if that helps | see whether it settles | settle on its own | settles on its own
    sort itself out | sorts itself out | go away on its own | goes away on its own | wear off | wears off
    anything to worry | anything serious | anything to it | thought it was normal | thought that was normal
    thought it was just | thought it was nothing | assumed it was | assumed that was | assumed it is | it is normal
    that is normal | was normal | is normal with | thought it was part of | just part of | part and parcel
    nothing broken | nothing is broken | nothing was broken | not broken | did not break | have not broken
    no broken | can walk fine | can walk ok | can walk okay | can walk normally | can walk normal | walk normal
    walk normally | walking fine | walking normally | perfectly well | i am grand | feel grand
    """
)
"""What people say to dismiss a warning as nothing, or care as not worth it or out of reach ("I'm fine now",
"probably just a cold", "I'd rather not bother the doctor", "do I really need to go? I have work"), or would
try something first and see if it settles), or point to what still works ("nothing broken, I can walk fine")."""

_WAITING = phrases(
    """
    wait and see | see how it goes | later | next week | after the weekend | in a few days | when i can
    if it | if things | if i need | if needed | if i have to | if necessary | if nothing | if there is | if not
    give it a few days | give it a day | give it a week | in a week | in a couple of weeks | next month
    """
)
"""Putting care off for longer than a day, or on a condition ("I'll call if it gets worse")."""

_PUT_OFF = phrases("tomorrow | in the morning | the morn | first thing") + _WAITING
"""What people say to put care off: till tomorrow ("I'll call tomorrow"), or longer (`_WAITING`)."""

_PLAYED_DOWN = _DISMISSED + _PUT_OFF


_CARE = phrases(
    """
    doctor | doctors | gp | a e | a and e | er | hospital | ambulance | 999 | 111 | 911 | 112 | nhs | emergency
    urgent | urgent care | walk in | appointment | appt | surgery | clinic | nurse | paramedic | call | ring | phone
    wait | tonight | tomorrow | monday | weekend | drive | taxi | get checked | checked | see someone
    """
)
"""Words of getting care (a doctor, A&E, an appointment, calling, waiting): after a red flag, a question with
these is about the warning ("should I see a doctor first?", "can it wait till Monday?"), not the knowledge base."""


def about_care(words: Sequence[str]) -> bool:
    """Whether a message talks about getting medical care or putting it off."""
    return has_phrase(words, _CARE)


_CALLING = "call ring phone dial contact calling ringing phoning dialling dialing contacting texting".split()
_VISITING = ["go to", "going to", "pop to", "pop down to", "pop into", "pop in to", "get to", "head to", "see", "visit"]
_CARE_LINES = [
    "999", "111", "911", "112", "000", "an ambulance", "ambulance", "the doctor", "the doctors", "the gp", "my gp",
    "the surgery", "nhs", "a and e", "the hospital", "the clinic", "my doctor", "a doctor", "the practice",
    "my surgery", "out of hours",
]  # fmt: skip
_GETTING_CARE = phrases(
    """
    off to | on our way | on my way | on the way | heading to | heading in | heading there | going now | going in now
    leaving now | we are going | i am going | i will go now | will go now | go now | calling now | calling them
    ringing now | ringing them | phoning now | phoning them | will call now | will ring now | call now | ring now
    called them | rang them | phoned them | called 999 | called 111 | rang 999 | rang 111 | called an ambulance
    ambulance is coming | ambulance on its way | take me | taking me | drive me | driving me | run me | get me in
    taking him | taking her | driving him | driving her | to a and e now | to hospital now | to the hospital now
    take a look | have a look | look at it | check me over | check it over
    car keys | getting the car | getting my coat | getting her coat | getting his coat | booked | got an appointment
    will do | doing that now | straight away | right away | right now | now then | make an appointment
    try 111 | try 999 | try nhs | try the surgery | try the gp | try the doctor | try the doctors
    making an appointment | book an appointment | booking an appointment | get an appointment | book in | booking in
    get booked in | get seen | get him seen | get her seen | get it seen | get it checked | get checked | go today
    see them today | see a doctor today | this afternoon | this evening | tonight | will check it | will check it out
    will get it checked | get it looked at | will get it looked at | will see someone | will see a doctor
    """
    + " | ".join(f"{verb} {target}" for verb in _CALLING for target in _CARE_LINES)
    + " | "
    + " | ".join(f"{verb} {target}" for verb in _VISITING for target in _CARE_LINES if not target[0].isdigit())
)
"""What people say when they take a warning and go for care now ("we're off to A&E", "I'll get my son to drive
me in"): the bot wishes them well instead of warning again."""


def gets_care(words: Sequence[str]) -> bool:
    """Whether a message says its writer is getting care now."""
    return has_phrase(words, _GETTING_CARE) and not refuses(words)


def waits(words: Sequence[str]) -> bool:
    """Whether a message puts care off for longer than a day, or on a condition ("I'll call if it gets worse")."""
    return has_phrase(words, _WAITING)


def goes_now(words: Sequence[str]) -> bool:
    """Whether a message goes for care without putting it off, whatever else it says ("ok, ringing 111 now, didn't
    think it was anything serious"): the warning is taken, however lightly it was thought of."""
    return gets_care(words) and not has_phrase(words, _PUT_OFF)


def books_care_soon(words: Sequence[str]) -> bool:
    """Whether a message promises care within a day or so ("I'll ring the surgery first thing", "will pop to the
    GP tomorrow"): for a sign a doctor should see today, asking for that appointment is taking the advice, not
    putting it off; waiting to see, or until next week, is."""
    return gets_care(words) and not has_phrase(words, _DISMISSED) and not waits(words)


_TAKING_IT_UP = phrases(
    " | ".join(
        f"{will} {verb}"
        for will in ("will", "going to", "gonna")  # "i will ask" and "i am going to ask" hold these
        for verb in phrases(
            "ask | mention it | mention that | bring it up | bring that up | raise it | check with"
            " | talk to | speak to | have a word with | run it by"
        )
    )
)


def takes_it_up(words: Sequence[str]) -> bool:
    """Whether a message says its writer will put the matter to someone ("thanks, I'll ask my midwife at my next
    appointment", "I'll bring it up at my check"): a plan, not a question."""
    return has_phrase(words, _TAKING_IT_UP) and not refuses(words)


_REFUSING = frozenset({"not", "never", "cannot"})
_CARE_VERBS = frozenset(
    """ring call phone go get see book make come bother ringing calling phoning going getting seeing booking making
    coming bothering do doing""".split()
)


def refuses(words: Sequence[str]) -> bool:
    """Whether a message says its writer will not or cannot get care ("I won't ring 111", "I can't get an
    appointment", "not going"): then it is no promise to, whatever else it says ("didn't realise, I'll ring")."""
    return any(w in _REFUSING and any(v in _CARE_VERBS for v in words[i + 1 : i + 4]) for i, w in enumerate(words))


_IN_GENERAL = phrases(
    "in general | generally | general question | in theory | not for me | not about me | for anyone | most people"
    " | should anyone | anyone who | anyone with | someone with | people with"
)


def in_general(words: Sequence[str]) -> bool:
    """Whether a message says it asks in general, not about the writer's own situation."""
    return has_phrase(words, _IN_GENERAL)


_SIGN_OFFS = phrases(
    """
    yours faithfully | yours sincerely | yours truly | yours respectfully | kind regards | kindest regards
    best regards | warm regards | warmest regards | regards | best wishes | with thanks | sincerely | respectfully
    """
)


def signs_off(words: Sequence[str]) -> bool:
    """Whether a sentence opens a letter's sign-off ("Yours faithfully, Margaret Pryce")."""
    return opens_with(words, _SIGN_OFFS)


_CORRECTING = phrases(
    "actually | wait | sorry | oops | correction | i meant | i mean | my mistake | my bad | scratch that"
    "| on second thought | on second thoughts | come to think of it | thinking about it | now i think"
)
CORRECTION_WORDS = 4
"""A correction says so at once: "actually no, …", "sorry, I meant yes"."""


def corrects(words: Sequence[str]) -> bool:
    """Whether a reply opens by taking back what was just said ("actually no", "wait, she did say that")."""
    return has_phrase(words, _CORRECTING, 0, CORRECTION_WORDS)


_THANKS_FOR = phrases(
    "thank you for | thanks for | thank you so much for | thanks so much for | thank you very much for"
    "| thanks very much for | many thanks for | cheers for | thanks a lot for | ty for | thx for"
)


def thanks_for(words: Sequence[str]) -> bool:
    """Whether a message opens by thanking for something ("thank you for the guidance"): thanks, whatever for."""
    return opens_with(words, _THANKS_FOR)


_AFRAID = phrases(
    """scared | frightened | terrified | worried | anxious | panicking | panic | nervous | freaking out | shaking
    petrified | bricking it | shitting it | upset | crying | in tears"""
)


def afraid(words: Sequence[str]) -> bool:
    """Whether a message says the writer is frightened or upset ("ok. bit scared now tbh")."""
    return has_phrase(words, _AFRAID)


_THIRD_PERSON = _POSSESSIVES | _SUBJECTS | _PRONOUNS | frozenset("they them their theirs".split())


def of_someone_else(words: Sequence[str]) -> bool | None:
    """Whether a message speaks of a third person ("should he stop?"): True; of the writer ("can I swim?"):
    None when it does only that; False when it does neither ("is swimming ok?")."""
    third = any(w in _THIRD_PERSON for w in words)
    if not third and any(w in _SELF_MARKERS for w in words):
        return None
    return third


def plays_down(words: Sequence[str]) -> bool:
    """Whether a message plays down or puts off a warning just given, and does not take it back ("I'll ring the
    surgery first thing... actually no, I'll ring 111 now" goes now)."""
    if not has_phrase(words, _PLAYED_DOWN):
        return False
    taken_back = [i for i, _ in _found_phrases(words, _CORRECTING)]
    if taken_back:
        after = words[taken_back[-1] :]
        return not (gets_care(after) and not has_phrase(after, _PLAYED_DOWN))
    return True


_HOW_SERIOUS = phrases(
    """
    is that serious | is it serious | is this serious | how serious | that serious | is that bad | is it bad
    is this bad | how bad is | should i be worried | should i worry | do i need to worry | is it dangerous
    is that dangerous | is this dangerous | is it an emergency | is that an emergency | is it life threatening
    """
)
"""Asking how serious a sign is ("is that serious?", "should I be worried?"): after a warning, that is about the
warning, not a diagnosis question for a referral."""


def asks_how_serious(words: Sequence[str]) -> bool:
    """Whether a message asks how serious something is."""
    return has_phrase(words, _HOW_SERIOUS)


def dismisses(words: Sequence[str]) -> bool:
    """Whether a message dismisses a warning ("probably just a cold", "I don't want to waste their time"), rather
    than putting care off till later."""
    return has_phrase(words, _DISMISSED)


_DICTATED = {"question mark": "?", "full stop": ".", "exclamation mark": "!", "exclamation point": "!", "comma": ","}
_DICTATION = re.compile(
    r"(?<!\s)(?>\s+)(?:(question mark|full stop|exclamation mark|exclamation point|comma)\b|period\s*$)", re.I
)
"""Each run of spaces is tried once (atomic), so a message of 10,000 spaces costs no more than one of ten."""


def undictate(text: str) -> str:
    """Punctuation spoken into voice typing, typed out: "no I haven't full stop" is "no I haven't."; "period" only
    at the end, where it cannot be the word."""
    folded = text.casefold()
    if not any(word in folded for word in ("mark", "stop", "point", "comma", "period")):
        return text  # most messages: no regular expression to run
    return _DICTATION.sub(lambda m: _DICTATED.get((m.group(1) or "").casefold(), "."), text)


def sentences(text: str) -> list[str]:
    """The sentences of a message, each with its closing punctuation (and a leading "no," as its own)."""
    parts = _SENTENCE_END.split(_INTERJECTION.sub(r"\1. ", undictate(text)))
    found = [text + end for text, end in zip(parts[::2], [*parts[1::2], ""], strict=True)]
    return [part for part in found if any(c.isalnum() for c in part)]


def chunks(sentence: str) -> list[tuple[str, bool]]:
    """A sentence's parts between commas, dashes, brackets and "but", and whether each asks something.

    A part asks when it holds a question mark or opens like a question ("can I", "what about", "any tips"):
    in "I have bad knees, but which exercises are safe for my back?" only the second part asks.
    """
    parts = (
        [p for p in _CHUNK.split(sentence) if p and any(c.isalnum() for c in p)]
        if _CHUNK.search(sentence)
        else [sentence]
    )
    return [
        (part, ("?" in part and not _hedged(part)) or _opens_a_question(part) or _ends_in_a_tag(part)) for part in parts
    ]


_TAG_VERBS = frozenset(
    """is isnt are arent does doesnt do dont will wont would wouldnt can cant could couldnt should shouldnt
    did didnt""".split()
)
_TAG_SUBJECTS = frozenset("it they i you we he she".split())
_TAG_CLAUSE = 2
"""A tag asks of a statement of at least this many words before it ("that's normal, isn't it")."""


def _ends_in_a_tag(part: str) -> bool:
    """Whether a part ends in a question tag without its question mark: "gentle stretches wouldn't hurt would
    they", "that's normal isn't it": a statement put up to be confirmed is a question."""
    words = [_bare(w) for w in part.split()]
    return (
        len(words) >= _TAG_CLAUSE + 2
        and words[-2] in _TAG_VERBS
        and words[-1] in _TAG_SUBJECTS
        and words[-3] not in _TAG_SUBJECTS  # "…than I do", "…as it is": a clause's own end, not a tag
    )


SOFTENERS = phrases("sort of | kind of | maybe | perhaps | possibly | i think")
"""Words that soften what follows, shared by the hedge lists: a hedged reply is neither sure nor a question."""
_HEDGES = SOFTENERS + phrases(
    "kinda | sorta | i think so | i guess | i suppose | not really | probably | i believe so | yes and no | ish"
)


def _hedged(part: str) -> bool:
    """Whether a part is only a hedge said with a rising tone ("Sort of?", "kind of?"): an answer, not a question."""
    words = " ".join(w.casefold().strip("'\",.!?") for w in part.split())
    return words in _HEDGES


def _opens_a_question(part: str) -> bool:
    first = [_bare(w) for w in part.strip().split(maxsplit=3)]
    while len(first) > 1 and first[0] in _LEAD_INS:  # "just tell me…", "so which ones?", "and what about…"
        first = first[1:]
    if not first or first[0] not in QUESTION_OPENERS:
        return _asks_after_lead_in(part)
    if _intends(first, 0):
        return False  # "will go to the clinic today", "will do": an intention with its subject left out
    if first[0] in _DO and len(first) > 1 and first[1] not in _DO_SUBJECTS:
        return False  # "(the GP said) move more, do exercise": "do" as a verb, not asking "do you…?"
    if first[0] in _HEDGING_MODALS and first[1:2] == ["be"]:
        return False  # "could be arthritis I suppose": a guess with its subject left out
    # "ok to run with it" asks; "ok thanks, I'll think about it" acknowledges
    return (
        first[0] not in _OK
        or (
            len(first) > 1
            and first[1] not in _OK
            and (first[1] in _OK_ASKS or first[1] in QUESTION_OPENERS)
            and not _intends(first, 1)  # "ok will book him in"
        )
        or _asks_after_lead_in(part)
    )  # "ok ok, I'll go" acknowledges twice; "ok fine what happens if I stop" asks after two


_DO = frozenset({"do", "did"})
_DO_SUBJECTS = frozenset(
    "i you u ya ye yall we they he she it people anyone anybody someone somebody most others doctors physios".split()
)
"""Who "do" asks about when it opens a question ("do I…", "do you…"); before anything else it is a verb ("do
exercise", "did physio, fully recovered"), as "does gardening count" is not."""


_HEDGING_MODALS = frozenset("could might may would must".split())
"""Before "be" with no subject, these guess ("could be a disc") rather than ask."""


def _intends(words: Sequence[str], at: int) -> bool:
    """Whether words[at:] open with "will" and a verb of what one intends ("will ring them now"), not a question."""
    return words[at : at + 1] == ["will"] and len(words) > at + 1 and words[at + 1] in _INTENDED


def _bare(word: str) -> str:
    """A word as question openers are listed: folded, without punctuation or apostrophes ("What's" → "whats")."""
    return word.casefold().translate(_NO_APOSTROPHES).strip('",.!')


_NO_APOSTROPHES = str.maketrans("", "", "'\u2019")


def _asks_after_lead_in(part: str) -> bool:
    """Whether a part asks after an acknowledgement or a lead-in ("ok fine what happens if I stop", "in the
    meantime is gentle walking ok"): a question word, or a verb that opens a question, with more after it."""
    words = [_bare(w) for w in part.split()[: _LEAD_IN_WORDS + 3]]
    start = 0
    while start < _LEAD_IN_WORDS:
        phrase = next((p for p in _LEAD_IN_PHRASES if tuple(words[start : start + len(p)]) == p), None)
        if phrase is None and (start >= len(words) or words[start] not in _ACKNOWLEDGING):
            break
        start += len(phrase) if phrase else 1
    return start > 0 and len(words) - start >= 3 and words[start] in _OPENS_AFTER_LEAD_IN


_LEAD_IN_WORDS = 5
_ACKNOWLEDGING = frozenset(
    "ok okay fine alright right cool hmm hm ah oh yeah yes no nah thanks cheers great so and but also well then".split()
)
_LEAD_IN_PHRASES = [
    tuple(p.split())
    for p in phrases(
        """in the meantime | in the mean time | meanwhile | for now | till then | until then | in general
        by the way | btw | anyway | anyways | one more thing | one last thing | last question | quick question"""
    )
]
_OPENS_AFTER_LEAD_IN = QUESTION_WORDS | frozenset("whats hows isnt arent any".split())
"""Not "will" ("ok will do") nor "please" ("ok please hurry"): after a lead-in they seldom open a question."""

_INTENDED = frozenset(
    """do go pop head try ask call ring phone see book check mention bring get make keep take talk speak tell text
    email visit""".split()
)
"""Verbs after which a leading "will" says what one intends, not a question ("will ring them now")."""

_OK = frozenset({"ok", "okay"})
_LEAD_INS = frozenset(
    {"just", "so", "and", "then", "now", "but", "also", "well", "right", "hey", "hi", "hello", "hiya", "yo"}
)
_OK_ASKS = frozenset({"to", "for", "if", "with", "when", "while", "doing", "after", "during"})


def positions(words: Sequence[str]) -> dict[str, list[int]]:
    """Where each word occurs: a phrase need only be tried where its first word is (messages can be long)."""
    found: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        found.setdefault(word, []).append(i)
    return found


def consume(words: list[str], phrase: Sequence[str], starts: Sequence[int]) -> int:
    """Blank out every occurrence of `phrase` in `words`, trying only `starts`; the first place found, or -1."""
    size, first, wanted = len(phrase), -1, list(phrase)
    for i in starts:
        if words[i : i + size] == wanted:
            words[i : i + size] = [""] * size
            first = i if first < 0 else first
    return first


_AUXILIARIES = frozenset(
    """is isnt are arent am can cant could couldnt should shouldnt would wouldnt will wont do dont does doesnt did
    didnt may might must shall has have hasnt havent""".split()
)
_NOT_A_CHOICE = frozenset(
    "of is s are about if do does did should can could would will happens happen i you we it my your his her their"
    " our the a an this that they he she".split()
)
"""After "what", words that make it no choice between things: "what if…", "what should I…", "what of…"."""
_COMPARING = frozenset("better best safer safest worse easier gentler healthier preferable".split())
_BETWEEN = frozenset("or vs versus than".split())
_ASKS_WHETHER = phrases(
    "whether | ask if | asking if | know if | wondering if | wonder if | tell me if | check if | curious if | see if"
)
"""A yes/no question reported ("I want to ask whether exercise is safe") asks whether, though it opens otherwise."""
_VERDICTS = frozenset("safe ok okay fine alright allowed advisable risky dangerous bad".split())
_WH_WORDS = frozenset("what which how why when where who".split())
_BE = frozenset("is isnt are arent am".split())
"""Before an "-ing" these make a tense ("my back is killing me"), where "would walking…" asks."""
_ASKED_OF = frozenset("i it we he she they you this that there my his her your".split())
_ASKING = frozenset(
    """whats hows whys wheres whether know tell recommend recommendation recommendations suggest suggestions advice
    advise tips ideas help q question questions ask asking wondering wonder or please pls plz""".split()
)
"""Words of a question or a request for advice in any wording ("real q: planks or bird dogs", "I want to know
exercises for my back")."""


def inquires(words: Sequence[str]) -> bool:
    """Whether a message has a question anywhere in it, marked or not: a question word, a request for advice, or a
    verb before its subject ("... would walking be good for it", "ranked sessions 💀 what exercises do u
    recommend"). A story with none of these tells of the pain but asks nothing."""
    return (
        bool(_WH_WORDS.intersection(words))
        or bool(_ASKING.intersection(words))
        or has_phrase(words, _ASKS_WHETHER)
        or any(
            w in _AUXILIARIES and (nxt in _ASKED_OF or (nxt.endswith("ing") and w not in _BE))
            for w, nxt in pairwise(words)
        )
    )


FRAGMENT_WORDS = 6


def _verdict_asked(part: Sequence[str]) -> bool:
    """Whether a fragment asks for a verdict on what it names: "exercise safe?", "running with back pain ok?"."""
    return 0 < len(part) <= FRAGMENT_WORDS and part[-1] in _VERDICTS and not _WH_WORDS.intersection(part)


_CHOOSING = frozenset("best which what whats".split())
_THING_ENDS = frozenset(
    """for to when with if in on that are is do does should would can could you i my me will help helps ease eases
    fix after before during at no not go works work good be been we""".split()
)
_NOT_THE_THING = frozenset(
    "the a an good best decent type types kind kinds sort sorts of some any really most top cheap new actually proper"
    " s bits bit parts part ones one option options choice choices way ways thing things idea ideas approach".split()
)


def _relative(words: Sequence[str], i: int) -> bool:
    """Whether "which" at words[i] opens a relative clause ("my back, which has troubled me for years") rather than
    a choice: after a word that is not a lead-in, a preposition or a verb of asking."""
    return words[i] == "which" and i > 0 and words[i - 1] not in _BEFORE_A_CHOICE


_BEFORE_A_CHOICE = frozenset(
    """and so but or then ok okay well in on for of about to from with by at between exactly just know tell me us
    wondering wonder ask asking sure idea clue unsure decide choose advise suggest recommend explain say show see
    check confirm remember""".split()
)


def asked_thing(words: Sequence[str]) -> list[str]:
    """The words naming what a "best / which / what …" question asks for: "which mattress is best" → mattress,
    "what kind of pillow should I get" → pillow ([] when it asks no such thing; not "at what point")."""
    for i, word in enumerate(words):
        if word in _CHOOSING and not (i and words[i - 1] in {"at", "no"}) and not _relative(words, i):
            thing = []
            for following in words[i + 1 :]:
                if following in _THING_ENDS:
                    break
                if following not in _NOT_THE_THING:
                    thing.append(following)
            if thing:
                return thing
    return []


_STATEMENT_ORDER = phrases(
    "i can | i could | i should | i may | i must | can i still | it is ok | it is safe | it is fine"
)
"""Subject then verb, asked: "I can still exercise?", "walking I can continue?" ask whether, in a statement's order."""


_LIST_NOUNS = frozenset(
    """exercises stretches alternatives options tips ideas suggestions treatments recommendations moves examples
    ways things others""".split()
)
"""Nouns that ask for a list when named alone ("exercises?", "alternatives?"): which, not whether."""
_YES_NO_MARKS = phrases("y n | y or n | yes no")
"""A choice of answers typed after the question ("gym tonight y/n")."""


def _named_alone(part: Sequence[str], parts: int) -> bool:
    """Whether the only question is a thing named alone ("gym?", "deadlifts tonight?"): asked of an activity,
    that is asking whether one may do it. Nouns that ask for a list ("exercises?") ask which."""
    return (
        parts == 1
        and 0 < len(part) <= 3
        and not _WH_WORDS.intersection(part)
        and part[0] not in _AUXILIARIES
        and part[-1] not in _LIST_NOUNS
    )


def _stated_as_a_question(part: Sequence[str]) -> bool:
    """ "It is safe for me to exercise when is pain?": after the statement's order, "when" and "where" start a
    clause of the question, not a question of their own."""
    return not _ASKING_ITS_OWN.intersection(part) and has_phrase(_opening(part), _STATEMENT_ORDER)


_ASKING_ITS_OWN = _WH_WORDS - {"when", "where"}


def _opening(part: Sequence[str]) -> Sequence[str]:
    """The first four words of a question after its fillers ("so, hi, can I…" opens with "can I…")."""
    start = next((i for i, word in enumerate(part) if word not in _OPENING_FILLERS), len(part))
    return part[start : start + 4]


_GETTING = frozenset("get gets got getting feel feels felt".split())


def _compares(part: Sequence[str], at: int) -> bool:
    """Whether "better" compares things, not "am I better off…" or "till it's better" (recovered)."""
    after = part[at + 1] if at + 1 < len(part) else ""
    before = tuple(part[max(0, at - 2) : at])
    return after != "off" and before[-2:] != ("it", "is") and not (before and before[-1] in _GETTING)


_OR_NOT = phrases("or not | or no | or nah | yes or no | ok or | okay or | safe or")


_POSING = frozenset("if when whenever".split())
"""Words that open a question with a condition: "If the exercise causes me pain, should I stop?"."""
_STATED_CONDITION = phrases(
    """if | when | whenever | while | whilst | during | every time | each time | everytime | mid | halfway | half way
    | middle of | through | afterwards | after doing | after my | after every | after each | doing | make | makes
    | making | made | cause | causes | causing | caused | give me | gives me | gave me | giving me | trigger | triggers
    | sets off | set off | hurt my | hurts my | hurt his | hurts his | hurt her | hurts her | it hurts | it hurt
    | they hurt | painful"""
)
"""How a message ties its pain to what it asks about: a condition ("if it hurts", "when I squat"), a time
("during", "halfway through"), a cause ("makes my back ache", "squats hurt my back") or pain named of the thing
("painful stretches")."""


def poses_condition(words: Sequence[str]) -> bool:
    """Whether a question opens with a condition ("if the exercise causes me pain, should I stop?")."""
    return bool(words) and words[0] in _POSING


def states_condition(words: Sequence[str]) -> bool:
    """Whether a message states a condition a conditional question could be about (`_STATED_CONDITION`); the "if"
    of "just asking if it's ok" or "wondering if I can" asks whether, and states none."""
    kept = [
        w for i, w in enumerate(words) if not (w == "if" and _ASKING_WHETHER.intersection(words[max(0, i - 3) : i]))
    ]
    return has_phrase(kept, _STATED_CONDITION)


_ASKING_WHETHER = frozenset("ask asking asked wondering wonder wondered know".split())


def question_form(asked: Sequence[Sequence[str]]) -> str | None:
    """Whether the parts of a message that ask (`Sentence.asking`, as words) ask *whether* ("is it safe to
    exercise?", "can I run or not?") or *which* ("which exercises are safe?", "what stretches help?").

    The two forms can share every content word, so the matcher alone hesitates between a FAQ's yes/no question
    and its list question; the form tells them apart. "Is there any…" and "do you have any…" ask which, in yes/no
    clothing; a message that asks both ways, or neither, has no form (None).
    """
    which = whether = False
    for part in asked:
        if _BETWEEN.intersection(part) and any(_compares(part, i) for i, w in enumerate(part) if w in _COMPARING):
            return "which"  # "is walking or swimming better?", "yoga vs pilates, which is best?" choose between
        for i, word in enumerate(part):
            if word == "which" or (word == "what" and i + 1 < len(part) and part[i + 1] not in _NOT_A_CHOICE):
                which = True
        whether = (
            whether
            or has_phrase(part, _OR_NOT)
            or has_phrase(part, _ASKS_WHETHER)
            or _verdict_asked(part)
            or _stated_as_a_question(part)
            or _named_alone(part, len(asked))
            or has_phrase(part[-3:], _YES_NO_MARKS)
        )
        opener = list(_opening(part))
        if opener[:1] and opener[0] in _AUXILIARIES:
            existential = opener[1:2] == ["there"] or "any" in opener or opener[1:3] == ["it", "true"]
            whether = whether or not existential
    if which == whether:
        return None
    return "which" if which else "whether"


_FOLLOW_ON_FILLERS = frozenset("wait oh ok okay so and but also hmm right then um uh".split())
_OPENING_FILLERS = _LEAD_INS | _FOLLOW_ON_FILLERS | frozenset("please pls plz hi hey hello yo".split())
"""Words a question may open with before its first word ("so, hi, can I…") (`question_form`)."""
_FOLLOW_ON = phrases(
    """what about | how about | what if | and what about | same for | same with | does that go for
    is that the same for | does the same go for | does that apply to | and for | and with | and if | or"""
)


_SUPPOSING = phrases("what if | if")


def past_fillers(words: Sequence[str]) -> int:
    """Where a message's words start after its opening fillers ("oh", "so", "and")."""
    start = 0
    while start < len(words) and words[start] in _FOLLOW_ON_FILLERS:
        start += 1
    return start


def supposes(words: Sequence[str]) -> bool:
    """Whether a follow-on adds a condition ("and if it hurts?", "what if I overdo it?"): a new question, where
    "what about swimming?" puts a new topic into the question under discussion."""
    return opens_with(words, _SUPPOSING, past_fillers(words))


_WHAT_TO_DO = phrases(
    """what can i do | what should i do | what should i be doing | what do i do | what am i supposed to do
    | what am i meant to do | what can i be doing | what do you suggest | what now | what then | what else can i do
    | so what do i do | what shall i do"""
)


_WHAT_TO_DO_WORDS = frozenset(w for p in _WHAT_TO_DO for w in p.split()) | frozenset(
    "so then now instead meantime in the until till actually really right ok okay well fine".split()
)


def asks_what_to_do(words: Sequence[str]) -> bool:
    """Whether a question asks only what to do next ("so what can I do in the meantime then?"), naming nothing."""
    return has_phrase(words, _WHAT_TO_DO) and all(w in _WHAT_TO_DO_WORDS for w in words)


def follows_on(words: Sequence[str]) -> bool:
    """Whether a message continues the question under discussion: "what about swimming?", "and if it hurts?",
    "wait, how about yoga" (its opening words, after fillers like "oh" and "so")."""
    start = past_fillers(words)
    if start and words[0] == "and" and start < len(words):
        return True  # "and acupuncture?"
    return opens_with(words, _FOLLOW_ON, start)


def opens_with(words: Sequence[str], phrases: Sequence[str], start: int = 0) -> bool:
    """Whether words[start:] begin with one of the phrases."""
    if start >= len(words):
        return False
    return any(tuple(words[start : start + len(p)]) == p for p in _by_first_word(phrases).get(words[start], ()))


def has_phrase(words: Sequence[str], phrases: Sequence[str], start: int = 0, end: int | None = None) -> bool:
    """Whether one of the phrases occurs as whole words in words[start:end]."""
    return any(_found_phrases(words[start:end], phrases))


def asked_before(words: Sequence[str], phrases: Sequence[str]) -> bool:
    """Whether a question word comes before the first of these phrases: "what exercises do you recommend, and how
    often?" asks two things, the first of them before the frequency."""
    for i, _ in _found_phrases(words, phrases):
        return bool(_WH_WORDS.intersection(words[:i]))
    return False


def _found_phrases(words: Sequence[str], phrases: Sequence[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Where each of the phrases occurs as whole words: (position, phrase), in order."""
    index = _by_first_word(phrases)
    window = tuple(words)
    for i, word in enumerate(window):
        for phrase in index.get(word, ()):
            if window[i : i + len(phrase)] == phrase:
                yield i, phrase


_INDEXES: dict[int, tuple[Sequence[str], dict[str, list[tuple[str, ...]]]]] = {}
_MAX_INDEXES = 256


def _by_first_word(phrases: Sequence[str]) -> dict[str, list[tuple[str, ...]]]:
    """The phrases as word tuples by their first word, built once per phrase list: these run on every message."""
    known = _INDEXES.get(id(phrases))
    if known is not None and known[0] is phrases:
        return known[1]
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(phrase.split())
        if words:
            index.setdefault(words[0], []).append(words)
    if isinstance(phrases, tuple) and len(_INDEXES) < _MAX_INDEXES:  # constants: kept for the process's life
        _INDEXES[id(phrases)] = (phrases, index)
    return index


_FEELING = frozenset("feel feels felt feeling".split())
"""A negator right after these is what is felt ("I feel nothing down there"), not a denial."""


def negated(
    words: Sequence[str], start: int, low: int = 0, inside: Sequence[tuple[int, int]] = (), after: Sequence[str] = ()
) -> bool:
    """Whether what starts at words[start] is denied, reported or hypothetical rather than stated.

    "no numbness", "never had", "my chest does not hurt" (a negator between the matched words, `inside`),
    "the doctor asked if I had any numbness", "what happens if I fall", and a denial right after it,
    in the words that follow (`after`): "numbness? no", "Tumour? No, my GP said...".
    """
    matched = {i for s, e in inside for i in range(s, e)}
    for i in range(start - 1, max(low, start - _LOOKBACK) - 1, -1):
        word = words[i]
        if word in _BARRIERS or _new_subject(words, i):
            break
        if i in matched or (i and words[i - 1] in _FEELING):
            continue  # "no position helps, constant ache", "can't feel nothing round my bum": part of what is described
        if word in NEGATORS and not (word == "no" and i + 1 < len(words) and words[i + 1] in _NOT_ENGLISH):
            return not _negates_ability(words, i, start)
    if inside:
        first, last = inside[0][0], inside[-1][1]
        starts = {s for s, _ in inside}
        for i in range(first, last):
            reach = {i + 1, i + 2} if i + 2 < len(words) and words[i + 1] in _FILLER else {i + 1}
            described = i and words[i - 1] in _FEELING  # "he can't feel nothing down there": what he feels
            denies = words[i] in NEGATORS and i not in matched and not described and (reach & starts)
            if denies and not _negates_ability(words, i, min(reach & starts)):
                return True
    before = " " + " ".join(words[max(low, start - _HYPOTHETICAL_REACH) : start]) + " "
    if any(f" {phrase} " in before for phrase in _HYPOTHETICAL):
        return True
    return _denied(after)


_IT_DENIED = phrases(
    """
    i have not got it | i do not have it | i have not had it | i do not have that | i have not got that
    none of that | none of those | no symptoms | not that i know of | i do not have any of | i do not have this
    do not have this | i do not have these | not have any of these | none of these | do not have that
    totally normal | all normal | not me thank | not me thankfully | not me luckily | not me though | was not me
    """
)
"""Said after a sign was named, these deny it: "saddle anaesthesia? ... I haven't got it"."""


def denied_later(words: Sequence[str], next_sentence: Sequence[str] = ()) -> bool:
    """Whether the sentences after a sign deny it as "it": "saddle anaesthesia? I read about it. I haven't got it";
    or the next sentence is a denial all by itself ("...asked about that. No, I don't have any.")."""
    return has_phrase(words, _IT_DENIED) or " ".join(next_sentence) in _WHOLE_DENIALS


_WHOLE_DENIALS = _DENIALS | frozenset(
    "i do not have any|i have not got any|i do not|i have not|not me|none at all|nothing like that".split("|")
)


def _denied(after: Sequence[str]) -> bool:
    """Whether the words that follow deny what came before: "(numbness?) no", "(...) and I said no"."""
    clause = []
    for word in after:
        if word in _BARRIERS - {"and"}:
            break
        clause.append(word)
    if any(" ".join(clause[k:]) in _DENIALS for k in range(min(len(clause), 5))):
        return True
    return any(  # "(worse at night?) not really, just a little stiffer": a denial, then what it is instead
        " ".join(clause[:k]) in _DENIALS and clause[k] in _INSTEAD for k in range(1, min(len(clause), 4))
    )


_INSTEAD = frozenset("just only but mostly except apart".split())
_SUBJECTS = frozenset("i he she we they".split())
_REPORTING = frozenset(
    "think thought believe reckon suppose guess sure say said says know knew remember realise realize notice if that "
    "whether".split()
)


def _new_subject(words: Sequence[str], i: int) -> bool:
    """Whether words[i] is a subject that opens a clause of its own, which a negation before it does not reach:
    "I not make any diet, I eat normal" (the comma is gone by now). Not after a word that reports or doubts
    ("I don't think I have numbness"), nor after the negator itself ("nothing I can feel")."""
    return words[i] in _SUBJECTS and i > 0 and words[i - 1] not in _REPORTING and words[i - 1] not in NEGATORS


def typo_of(word: str, vocabulary: Sequence[str]) -> str | None:
    """The word of `vocabulary` a short typo was meant to be ("yse" → "yes", "yuo" → "you"): one edit away, and
    only for a word no English list holds (an English word such as "bye" or "cool" is not a misspelt "yes")."""
    if len(word) < 3 or frequency.rarity(word) < frequency.RAREST:
        return None
    hit = process.extractOne(word, vocabulary, scorer=DamerauLevenshtein.distance, score_cutoff=1)
    return None if hit is None else str(hit[0])


def _misspelt_ability(word: str) -> bool:
    """ "not controll my pee": a word no English list holds, one edit from a longer ability word."""
    return len(word) >= 5 and typo_of(word, _LONG_ABILITIES) is not None


_LONG_ABILITIES = tuple(w for w in _ABILITY if len(w) >= 5)


def _negates_ability(words: Sequence[str], negator: int, start: int) -> bool:
    """ "no feeling", "not able to pee", "not sure if": the negation is part of what is described ("nothing going
    on in my chest" is no ability to go)."""
    for n, word in enumerate(words[negator + 1 : start + 1], negator + 1):
        if word in ("go", "going") and tuple(words[n + 1 : n + 2]) == ("on",):
            return False
        if word in _NOT_A_DENIAL or word in _ABILITY or _misspelt_ability(word):
            return True
        if word not in _FILLER:
            return False
    return False


_FINE = frozenset("fine ok okay alright good great perfect grand".split())
_FINE_LEAD = frozenset(
    "is s are feels feel felt was has been absolutely totally completely actually perfectly all".split()
)


def says_fine(words: Sequence[str]) -> bool:
    """Whether words say something is fine ("sleeping's fine", "legs ok now")."""
    return not _FINE.isdisjoint(words)


def said_to_be_fine(words: Sequence[str], after: int) -> bool:
    """Whether what ends at words[after] is said to be fine: "my back's absolutely fine, but the knee is swollen"
    names the back only to set it aside."""
    for word in words[after : after + 4]:
        if word in _FINE:
            return True
        if word not in _FINE_LEAD:
            return False
    return False


def about_the_body(words: Sequence[str]) -> bool:
    """Whether these words mention the back, pain or a body part (so "for years" in them is about that)."""
    return any(w in _BODY for w in words)


def on_behalf(words: Sequence[str]) -> bool:
    """Whether the message asks about someone else's back now ("my husband can't feel his legs").

    A body word after "my" is the speaker's own ("my toddler wet the bed and I did my back in").
    """
    return _on_behalf(tuple(words))


@lru_cache(maxsize=64)  # red flags and referrals both ask, about the same message
def _on_behalf(words: tuple[str, ...]) -> bool:
    if has_phrase(words, _MINE):
        return False  # "my dad had cancer in his spine, but mine is from sitting": the writer sets their own apart
    for i, word in enumerate(words):
        if word not in PEOPLE:
            continue
        body = _BODY if word in _POSSESSIVES else _BACK  # "her bottom", but "my friend had chest pain" is a report
        reach = 3 if word in _POSSESSIVES else 10 if word in _SUBJECTS else 0 if word in _PRONOUNS else 18
        for j in range(i + 1, min(len(words), i + reach)):
            if words[j] in _SELF_MARKERS or words[j] == "your":
                break  # "my toddler wet the bed and I did my back in": the back is the speaker's (or anyone's)
            if words[j] in body and not _back_in_time(words, j):
                return True
    asked_for = any(tuple(words[i : i + 2]) == ("for", "my") and words[i + 2] in PEOPLE for i in range(len(words) - 2))
    return asked_for or has_phrase(words, _BEHALF_PHRASES)  # "asking for my mum", "for my husband"


_TIME_AFTER_BACK = frozenset("when then home".split())
_TIME_BEFORE_BACK = frozenset("way years months weeks days while long time ages decade".split())


def _back_in_time(words: Sequence[str], j: int) -> bool:
    """Whether "back" at words[j] is a time, not the body: "back in 2009", "back when", "years back"."""
    if words[j] != "back":
        return False
    after = tuple(words[j + 1 : j + 4])
    if after[:1] and after[0] in _TIME_AFTER_BACK:
        return True
    if after[:1] == ("in",) and len(after) > 1:
        return after[1].isdigit() or after[1:] in _PAST_TIMES
    return j > 0 and words[j - 1] in _TIME_BEFORE_BACK


_PAST_TIMES = frozenset(
    {("the", "day"), ("the", "days"), ("those", "days"), ("my", "day"), ("the", "80s"), ("the", "90s")}
)


_ANIMAL_DOES = frozenset("had has is was got did does peed pooed pooped weed wet went needs keeps".split())
_AGENT_VERBS = frozenset("threw throws bucked kicked knocked pushed dragged pulled jumped tripped".split())


def _animal_subject(words: Sequence[str], i: int) -> bool:
    """ "my dog had a tumour", "Dog's tumour's out" (the dog's), not "came off the horse" or "my horse threw me" (the
    speaker's)."""
    owned = i == 0 or any(w in ("my", "our", "his", "her", "their") for w in words[max(0, i - 2) : i])  # "our old dog"
    acts_on_me = i + 1 < len(words) and words[i + 1] in _AGENT_VERBS
    its_own = i + 1 < len(words) and words[i + 1] in _ANIMAL_DOES  # "the dog had an accident"
    return (owned or its_own) and not acts_on_me


_LAY_ADVISERS = (PEOPLE - {"he", "she", "him", "her", "his", "hers", "someone", "somebody"}) | frozenset(
    """roommate flatmate housemate trainer coach instructor teacher pt google internet youtube tiktok forum
    video article website chatgpt everyone everybody people vet""".split()
)


def lay_person_before(words: Sequence[str], start: int) -> bool:
    """Whether a statement at words[start] is said by or about someone named before it who is not a clinician
    (nor the speaker): "my mum said to keep moving" does not answer "has a doctor advised exercise?", and "my
    husband has a slipped disc" is not the speaker's diagnosis. "He" and "she" are most often the clinician."""
    for word in reversed(words[max(0, start - _SUBJECT_REACH) : start]):
        if word in SELF:
            return False
        if word in _LAY_ADVISERS or word in ANIMALS:
            return True
    return False


_SUBJECT_REACH = 3
"""The subject of a statement stands this close before it ("my mum has told me", "my husband has a …"); a person
named further back is not it ("my friend said to walk, not a doctor")."""


def speaks_of_self(words: Sequence[str]) -> bool:
    """Whether words name a part of the writer's body ("both my legs")."""
    return any(a == "my" and b in _BODY for a, b in pairwise(words))


_THE_COMPLAINT = frozenset("back backs spine pain pains ache aches sore hurts hurt hurting".split())


def names_own_part(words: Sequence[str], start: int, end: int) -> bool:
    """Whether words[start:end] name a part of the writer's body: "my" inside them ("the inside of my thighs") or
    just before them ("my balls"). "My back" does not count: a message about someone else's sign may still speak of
    the writer's own back pain ("my cat has lost weight, and my back's sore from crouching")."""
    if "my" in words[start + 1 : end]:
        return True
    return start > 0 and words[start - 1] == "my" and words[start] not in _THE_COMPLAINT


_PERSISTS = phrases(
    """
    not go away | not gone away | not going away | never goes away | never went away | not go off | not gone off
    not come back | not coming back | not came back | never came back | not wear off | not worn off | not wearing off
    never wears off | still numb | still dead | still tingling | still tingly | still there | stays numb
    stayed numb | hours later | days later | even when i stand | even when i get up | even after i get up
    even when i stood | even after i stood | even after standing | even when standing | even lying down
    """
)


def persists(words: Sequence[str]) -> bool:
    """Whether words say a feeling stays ("won't go away", "hours later it's still numb"): what would make it
    passing (a long ride, sitting too long) does not explain it then."""
    return has_phrase(words, _PERSISTS)


_LIKENING = phrases(
    "like i | like you | like when | like someone | like after | like at | like the feeling | as if | as though"
)


def compared(words: Sequence[str], start: int) -> bool:
    """Whether the words from `start` on only say what a feeling is like: "numb, like I've sat on my hand too
    long" (a scene imagined; "legs like jelly" is an idiom of its own)."""
    return has_phrase(words, _LIKENING, max(0, start - 4), start)


def someone_else(words: Sequence[str], start: int, low: int = 0) -> str | None:
    """Who the words before words[start] say it is about: "animal", "person", or None for the speaker/unknown.

    The nearest subject before the sign wins: in "my dog had a tumour" it is the dog, in "my mum had cancer and
    I" nothing (the speaker comes later).
    """
    if start > low and words[start - 1] == "my":
        return None  # "my nan's walking frame, because my legs keep giving way": the sign opens on the writer's own
    for i in range(start - 1, low - 1, -1):
        word = words[i]
        if word in SELF or (tuple(words[i - 2 : i]) in (("am", "a"), ("am", "an")) if i >= 2 else False):
            return None  # the speaker, or how the speaker describes themself ("I'm a girl")
        if word in ANIMALS and _animal_subject(words, i):
            return "animal"
        if word in PEOPLE or (i and (words[i - 1], word) in _PEOPLE_PAIRS):
            return "person"
    return None


_PEOPLE_PAIRS = frozenset(
    {("little", "one"), ("wee", "one"), ("young", "one"), ("little", "un"), ("little", "ones"), ("youngest", "one")}
)
"""People named in two words, neither of which names a person alone: "my little one has a temperature"."""


def in_the_past(words: Sequence[str], start: int = 0, end: int | None = None) -> bool:
    """Whether these words place something long ago ("years ago", "in 2009", "in the past") or say it has resolved.

    "In the past three days" is recent, so a time span after "in the past" does not count.
    """
    window = words[start:end]
    if _resolved(window) or any(
        window[i] in ("in", "back") and _long_ago_year(window[i + 1]) for i in range(len(window) - 1)
    ):
        return True
    return any(
        tuple(window[i : i + 3]) == ("in", "the", "past") and not (set(window[i + 3 : i + 6]) & _SPANS)
        for i in range(len(window) - 2)
    )


def came_and_went(words: Sequence[str]) -> bool:
    """Whether something is said to have passed only lately ("a crushing pain in my chest on the treadmill
    yesterday, went away after I stopped"): an emergency sign that comes and goes still needs seeing now."""
    return (
        has_phrase(words, _RECENT)
        and _resolved(words)
        and not has_phrase(words, _LONG_AGO)
        and not has_phrase(words, _CHECKED)
    )


_RECENT = phrases(
    """yesterday | today | tonight | this morning | this afternoon | this evening | last night | earlier | this week
    last week | the other day | other night | days ago | day ago | hours ago | hour ago | at the weekend
    on the weekend | over the weekend | monday | tuesday | wednesday | thursday | friday | saturday | sunday
    on the treadmill | while running | when running | on my run | at the gym | during"""
)
_ONSET = phrases(
    """minutes ago | minute ago | mins ago | min ago | hours ago | hour ago | hrs ago | hr ago | onset | just now
    this morning | this afternoon | this evening | tonight | since yesterday | since last night | since this morning
    all of a sudden | out of nowhere | out of the blue"""
)


def began_lately(words: Sequence[str], start: int = 0, end: int | None = None) -> bool:
    """Whether these words say something began within hours ("onset 30 min ago", "since this morning"): then a
    long-standing state named beside it ("on a background of chronic back pain") is not what it is."""
    return has_phrase(words, _ONSET, start, end)


_CHECKED = phrases(
    "checked | ecg | normal | all clear | tests | test | results | examined | diagnosed | said it was | says it was"
)
"""A doctor has seen to it ("ECG all normal, now gone"): it passed because it was looked at."""


def _resolved(words: Sequence[str]) -> bool:
    """Whether a phrase of the past or of recovery is in the words, other than a "gone" that says what something
    became ("it had all gone to sleep", "both legs have gone numb")."""
    for i, phrase in _found_phrases(words, _PAST):
        after = words[i + len(phrase) : i + len(phrase) + 1]
        if phrase[-1] != "gone" or not after or after[0] not in _BECOME:
            return True
    return False


_BECOME = frozenset("to numb dead funny weird strange tingly wobbly weak floppy heavy stiff cold".split())


_SPANS = frozenset("few couple day days week weeks month months hour hours fortnight 24 48 two three four".split())


def _long_ago_year(word: str) -> bool:
    """A year at least two years before this one ("in 2009")."""
    return len(word) == 4 and word.isascii() and word.isdigit() and 1900 <= int(word) <= date.today().year - 2


def long_standing(words: Sequence[str], start: int = 0, end: int | None = None) -> bool:
    """Whether these words say something has been so for a long time (so it is not new).

    "the first time since I was a kid" says the opposite, so it does not count.
    """
    never = ("first time since", "first time in", "never before", "never had", "never done that", "not since i was",
             "never in my life", "never been like that")  # fmt: skip
    if has_phrase(words, never, start, end):
        return False
    return has_phrase(words, _LONG_STANDING, start, end) or bool(_FOR_UNITS.search(" ".join(words[start:end])))


def ages(words: Sequence[str]) -> list[int]:
    """The ages a message gives: "I'm 55", "55 years old", "my 9yo", "aged 72", "Grandad (77)", "in my sixties",
    "born in 1955"."""
    found: list[int] = [
        date.today().year - int(words[i + 2])
        for i in range(len(words) - 2)
        if tuple(words[i : i + 2]) == ("born", "in") and len(words[i + 2]) == 4 and words[i + 2].isdigit()
    ]
    if not any(w[:1].isdigit() or w in _MAYBE_AGE for w in words):
        return found  # most messages give no age: a quick look first
    for i, word in enumerate(words):
        if word in _AGE_WORDS:
            if tuple(words[max(0, i - 2) : i]) not in (("as", "a"), ("was", "a"), ("were", "a")):  # "as a teenager"
                found.append(_AGE_WORDS[word])
        elif word in _DECADES and i > 0 and words[i - 1] in ("my", "his", "her", "their", "late", "early", "mid"):
            found.append(_DECADES[word])
        elif word in _SCHOOL_YEARS and _school_year(words, i):
            found.append(int(words[i + 1]) + _SCHOOL_YEARS[word])  # "Year 10 student, new pain in my back"
        elif words[i + 1 : i + 2] in (["birthday"], ["bday"]) and _ORDINAL_AGE.fullmatch(word):
            found.append(int(word[:-2]))  # "just had my 65th birthday"
        else:
            age = _number(words, i)
            if age is not None and 0 < age < 120 and _reads_as_age(words, i) and not _bounds_a_group(words, i):
                found.append(age + _BOUND.get(words[i - 1] if i else "", 0))
    return found


def _bounds_a_group(words: Sequence[str], i: int) -> bool:
    """Whether the number at words[i] bounds the ages of people named before it ("three kids under 7"): the age of
    no one in particular."""
    return i >= 2 and words[i - 1] in _BOUND and words[i - 2] in PEOPLE


_BOUND = {"over": 1, "under": -1}
"""An age given as a bound ("over 50", "kids under 7") is read as the first age past it."""


def _school_year(words: Sequence[str], i: int) -> bool:
    """Whether "year 10" / "grade 8" at words[i] is a school year: a pupil or a student, or "in year 10"."""
    number = words[i + 1] if i + 1 < len(words) else ""
    if not (number.isdigit() and 1 <= int(number) <= 13):
        return False
    after = words[i + 2] if i + 2 < len(words) else ""
    return after in ("student", "pupil", "students", "pupils") or (i > 0 and words[i - 1] in ("in", "my", "im"))


_ORDINAL_AGE = re.compile(r"\d{1,3}(?:st|nd|rd|th)")


def _opens_as_age(words: Sequence[str]) -> bool:
    """Whether a number opening a sentence is an age given first, as in a forum post ("52, lower back pain for 3
    weeks"): a grown person's age, not followed by a unit ("3 weeks")."""
    _, after = _after_number(words, 0)
    return after not in _NOT_AN_AGE and 10 <= (_number(words, 0) or 0) < 110


def _after_number(words: Sequence[str], i: int) -> tuple[int, str]:
    """Where the number at words[i] ends ("fifty six" is two words) and the word after it ("" at the end)."""
    end = i + 1 + (1 if words[i] in _NUMBER_WORDS and i + 1 < len(words) and words[i + 1] in _UNITS else 0)
    return end, words[end] if end < len(words) else ""


def opening_age(words: Sequence[str]) -> int | None:
    """The age a sentence opens with ("52, never had back problems before"), else None."""
    return _number(words, 0) if words and _opens_as_age(words) else None


def own_ages(words: Sequence[str]) -> list[int]:
    """The ages the writer gives as their own: "I'm 15", "I am 14 years old" (not "my son is 9")."""
    return [
        age
        for i in range(2, len(words))
        if tuple(words[i - 2 : i]) == ("i", "am") and (age := _number(words, i)) is not None and _reads_as_age(words, i)
    ]


_DETERMINERS = frozenset("a an my our your his her their the".split())
_BEING = frozenset("am im as being".split())


def others_ages(words: Sequence[str]) -> list[int]:
    """Ages that name someone as a noun ("I've got a 2 year old", "carrying my 3yo"; not "I'm a 55 year old"), or
    that are said of someone else ("my son is 9", "(he's 9 now)", "my daughter, 12,")."""
    found = []
    for i in range(1, len(words)):
        age = _number(words, i)
        if age is None:
            continue
        if words[i - 1] in _DETERMINERS and not (words[i - 1] in ("a", "an") and i > 1 and words[i - 2] in _BEING):
            if words[i].endswith("yo") or tuple(words[i + 1 : i + 3]) in (("year", "old"), ("years", "old")):
                found.append(age)
        elif _said_of_someone(words, i) and _reads_as_age(words, i):
            found.append(age)
    return found


def _said_of_someone(words: Sequence[str], i: int) -> bool:
    """Whether the number at words[i] follows a person other than the writer: "my son is 9", "he is 9"."""
    before = words[i - 2 : i] if i >= 2 and words[i - 1] in ("is", "was") else words[i - 1 : i]
    return bool(before) and before[0] in PEOPLE


def own_back(words: Sequence[str]) -> bool:
    """Whether the writer speaks of their own back: "my back", "my lower back", "my poor old back"."""
    return any(w == "my" and _BACK.intersection(words[i + 1 : i + 4]) for i, w in enumerate(words))


def _number(words: Sequence[str], i: int) -> int | None:
    """The number at words[i]: "55", "55yo", "fifty", "fifty six" (read at "fifty")."""
    word = words[i]
    if word.isascii() and word.isdigit() and len(word) <= 3:
        return int(word)
    if (
        word.isascii()
        and word.endswith(("yo", "yrs"))
        and word.rstrip("yrso").isdigit()
        and len(word.rstrip("yrso")) <= 3
    ):
        return int(word.rstrip("yrso"))
    tens = _NUMBER_WORDS.get(word)
    if tens is None or (i > 0 and words[i - 1] in _NUMBER_WORDS):
        return None
    units = _UNITS.get(words[i + 1], 0) if i + 1 < len(words) and tens >= 20 else 0
    return tens + units


def _reads_as_age(words: Sequence[str], i: int) -> bool:
    """Whether the number at words[i] is someone's age: "55 years old", "I am 55", "my mum (81)", "at 65"."""
    if words[i].endswith(("yo", "yrs")):
        return True
    end, after = _after_number(words, i)
    j = i - 1
    while j >= 0 and words[j] in _AGE_FILLER:
        j -= 1
    if j >= 0 and words[j] in _FIGURATIVE:
        return False
    if j >= 1 and words[j] == "at" and words[j - 1] in _AT_A_TIME:
        return False
    party = j >= 0 and (words[j] in PEOPLE or words[j].removesuffix("s") in PEOPLE)  # "my dads 67"
    opens = i == 0 and _opens_as_age(words)  # "57, new back pain"
    said = (
        (j >= 0 and words[j] in _AGE_BEFORE)
        or (j < 0 and i > 0 and words[0] == "am")  # "Am 69 an ma back's just startit": "I am" with the "I" left out
        or party
        or opens
        or tuple(words[end : end + 2]) == ("i", "am")
        or (j >= 1 and words[j] == "of" and (words[j - 1] in _SOMEONE or words[j - 1] in PEOPLE))  # "a man of 84"
        or (j >= 1 and words[j] in ("who", "that") and words[j - 1] in PEOPLE)  # "my mum, who is 83"
        or (
            j >= 1
            and words[j] in ("have", "has")
            and (words[j - 1] == "i" or words[j - 1] in PEOPLE)
            and after in _DURATION
        )  # "I have 52 years", "my boy has 10 years" (tiene 10 años)
        or tuple(words[j - 1 : j + 1]) == ("i", "a")  # patois "mi a 62": I am 62
    )
    if after in _DURATION:  # "15 years old" or "I am 63 years", but not "for 15 years"
        following = tuple(words[end + 1 : end + 3])
        return said or following[:1] == ("old",) or following == ("of", "age")  # not "2 years of physio"
    if after in _AGE_AFTER:
        return True
    return said and after not in _NOT_AN_AGE
