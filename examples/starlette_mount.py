"""Mount faqbot's chat API, widget and FAQ page inside an existing Starlette app, under /help.

Run it with `python examples/starlette_mount.py` and open http://127.0.0.1:8000/ — your own page, with the
widget loaded from /help/widget.js and talking to /help/api/chat. In production set FAQBOT_SECRET (the key
that signs conversation state) to the same value on every worker and machine.
"""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route

import faqbot
from faqbot.web import create_app

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>My clinic</title></head>
<body><h1>My clinic</h1><p>Opening hours, directions ... and a chat button in the corner.</p>
<script src="/help/widget.js" data-endpoint="/help/api/chat" data-title="Back pain questions" defer></script>
</body></html>"""


async def home(request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE)


faq_app = create_app(faqbot.Bot.load())  # signs conversation state with FAQBOT_SECRET from the environment
app = Starlette(routes=[Route("/", home), Mount("/help", app=faq_app)])

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=8000)
