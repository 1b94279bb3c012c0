"""Zendesk Support as a ticket source (``ZendeskSource``; the mapping is in ``source``'s docstring).

``client`` holds the settings and the HTTP side (auth, errors, rate limits, cursor paging); ``source`` the
contract; ``export`` its pull (the incremental exports); ``users`` the user cache. Open one with
``ZendeskSource(ZendeskSettings.from_config(account, table))``.
"""

from agent_tui.sources.helpdesk.zendesk.client import ZendeskSettings
from agent_tui.sources.helpdesk.zendesk.source import ZendeskSource

__all__ = ["ZendeskSettings", "ZendeskSource"]
