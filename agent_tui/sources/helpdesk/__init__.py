"""Help-desk APIs as ticket sources: each desk's tickets, messages and state mapped onto the source contract.

    rt       Request Tracker 5 over REST2 (``RtSource``, ``RtSettings``)
    zendesk  Zendesk Support API, incremental cursor exports (``ZendeskSource``, ``ZendeskSettings``)

Everything outside a desk's package uses only what the package exports.
"""
