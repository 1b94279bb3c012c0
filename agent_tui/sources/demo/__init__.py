"""The built-in demo account: the shared inbox of Pine & Pebble, a small outdoor shop selling in the UK and China.

``source.py`` writes the scripted inbox into the store; ``scenarios.json`` is the script (the team, the customers
and every ticket's conversation, times relative to "now"); ``sla.toml`` is the demo's SLA policy.
"""

from agent_tui.sources.demo.source import POLICY_FILE, DemoSource, demo_data

__all__ = ["POLICY_FILE", "DemoSource", "demo_data"]
