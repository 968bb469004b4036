"""faqbot: a conversational FAQ chatbot with fuzzy matching, follow-up questions and red-flag escalation."""

from .bot import Bot as Bot, Session as Session
from .dialogue import Reply as Reply, ReplyKind as ReplyKind
from .errors import FaqbotError as FaqbotError
from .knowledge import KnowledgeError as KnowledgeError
from .matcher import Candidate as Candidate
from .state import StateError as StateError

__all__ = ["Bot", "Candidate", "FaqbotError", "KnowledgeError", "Reply", "ReplyKind", "Session", "StateError",
           "__version__"]
__version__ = "0.1.0"
