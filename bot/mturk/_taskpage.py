"""An HTMLQuestion page as gigbot serves it: every way it submits reaches gigbot.

MTurk's own examples hard-code `https://www.mturk.com/mturk/externalSubmit` (or the worker
sandbox's) as the form action, in HTML or in a script; others build the URL from
`turkSubmitTo`, or from the page's own origin. gigbot serves the page on its own host, so:

* the literal MTurk submit URLs (production and sandbox, http or https) are rewritten to
  this assignment's submit URL, so a plain form with no script posts to gigbot;
* a small script, first in the page, sends any form, fetch, XMLHttpRequest or beacon bound
  for an MTurk host's or this host's bare `/mturk/externalSubmit` to this assignment's
  submit URL instead, with its query string (jsPsych puts the answers there);
* `turkSubmitTo` already names this assignment's submit URL (webtasks.py), so pages that
  use it need nothing.

The rest of the page is served as written.

>>> html = serve('<form action="https://www.mturk.com/mturk/externalSubmit">', "http://g/w/1-ab")
>>> 'action="http://g/w/1-ab/mturk/externalSubmit"' in html, html.startswith("<script>")
(True, True)
"""

from __future__ import annotations

import json
import re

SUBMIT_PATH = "/mturk/externalSubmit"
# MTurk's submit URL in any spelling requesters copy: production or worker sandbox,
# http, https or protocol-relative, with or without "www.".
_MTURK_SUBMIT = re.compile(
    r"(?:https?:)?//(?:www\.|workersandbox\.)?mturk\.com/mturk/externalSubmit", re.IGNORECASE
)
# Where the script goes: after the doctype, <html> and <head> if there are any, so the page
# keeps its standards mode and the script runs before the page's own.
_HEAD = re.compile(r"\A(\s*<!doctype[^>]*>)?(\s*<html[^>]*>)?(\s*<head[^>]*>)?", re.IGNORECASE)
# Runs in the page's sandbox (an opaque origin: it reaches nothing of gigbot but the
# submit URL it is given). S = this assignment's submit URL.
_SCRIPT = """<script>(function(){var S=%s;
function fix(u){var x;try{x=new URL(String(u),location.href)}catch(e){return u}
if(!/\\/mturk\\/externalSubmit\\/?$/.test(x.pathname)||x.pathname.indexOf("/w/")===0)return u;
if(x.host!==location.host&&!/(^|\\.)mturk\\.com$/i.test(x.hostname))return u;return S+x.search}
function form(f){if(f&&f.tagName==="FORM"){var to=fix(f.action);if(to!==f.action)f.action=to}}
document.addEventListener("submit",function(e){form(e.target)},true);
window.addEventListener("submit",function(e){form(e.target)});
var fs=HTMLFormElement.prototype.submit;
HTMLFormElement.prototype.submit=function(){form(this);return fs.call(this)};
if(window.fetch){var ft=window.fetch;window.fetch=function(i,o){
if(typeof i==="string"||i instanceof URL){i=fix(i)}
else if(i&&i.url&&fix(i.url)!==i.url){i=new Request(fix(i.url),i)}
return ft.call(this,i,o)}}
var xo=XMLHttpRequest.prototype.open;
XMLHttpRequest.prototype.open=function(m,u){
var a=[].slice.call(arguments);a[1]=fix(u);return xo.apply(this,a)};
if(navigator.sendBeacon){var sb=navigator.sendBeacon.bind(navigator);
navigator.sendBeacon=function(u,d){return sb(fix(u),d)}}
})();</script>"""


def serve(html: str, submit_to: str) -> str:
    """The page with its MTurk submits pointed at `submit_to` + "/mturk/externalSubmit"."""
    url = submit_to + SUBMIT_PATH
    rewritten = _MTURK_SUBMIT.sub(lambda _: url, html)
    # json.dumps makes a JS string; "</" is escaped so the URL cannot close the script.
    script = _SCRIPT % json.dumps(url).replace("</", "<\\/")
    head = _HEAD.match(rewritten)
    at = head.end() if head else 0
    return rewritten[:at] + script + rewritten[at:]
