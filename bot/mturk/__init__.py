"""MTurk's requester API (AWS JSON 1.1, Signature V4) on top of gigbot's marketplace.

No Telegram here: requests come over HTTP, HITs go to workers through the marketplace.
"""
