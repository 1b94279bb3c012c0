"""Another agent's agent-tui in its own process, driven over stdin: for tests that need a second machine
(and one that can be killed). Commands, one per line: ``press KEY...``, ``type TEXT``, ``ticket`` (prints
the open ticket's id), ``presence`` (prints what this app hears, as JSON). Each answer ends with ``ok``.

Run as: python -m tests.sources.pilot_agent HOME
"""

import asyncio
import json
import sys

from agent_tui.cli import make_app


async def main(home: str) -> None:
    app = make_app(home=home)
    async with app.run_test(size=(140, 40)) as pilot:
        loop = asyncio.get_running_loop()
        print("ready", flush=True)
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            command, _, rest = line.rstrip("\n").partition(" ")
            if command == "press":
                await pilot.press(*rest.split())
            elif command == "type":
                await pilot.press(*rest)
            elif command == "ticket":
                print(getattr(app.screen, "ticket_id", None), flush=True)
            elif command == "presence":
                print(json.dumps([[p.ticket_id, p.agent.name, p.activity.value] for p in app.presence]), flush=True)
            await pilot.pause(0.2)
            print("ok", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
