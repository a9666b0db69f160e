"""/newbatch: upload items, give labels, title and terms; preview; publish in one go."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot import bounds, formatting
from bot.domain import Screen
from bot.i18n import Translator
from bot.matching.languages import split_language
from bot.matching.topics import split_topic
from bot.parsing import ParseError
from bot.requesting import texts as requesting_texts
from bot.requesting.parsing import (
    MAX_BATCH_BYTES,
    MAX_BATCH_ROWS,
    MAX_LABEL_LEN,
    MAX_LABELS,
    BatchFileError,
    BatchItem,
    check_golds,
    file_too_large,
    parse_batch_file,
    parse_labels,
    parse_prompt,
    parse_terms,
)
from handlers.common import GigContext, begin, drop, reply, sender_of
from handlers.requester import drafts

FILE, LABELS, TERMS = range(20, 23)
KEY = "batch"


def _file_prompt(t: Translator) -> Screen:
    return Screen(
        t(requesting_texts.BATCH_ASK_FILE).format(rows=MAX_BATCH_ROWS, kb=MAX_BATCH_BYTES // 1024)
    )


def _data(context: GigContext) -> dict[str, Any]:
    assert context.user_data is not None
    data = context.user_data.setdefault(KEY, {})
    assert isinstance(data, dict)
    return data


def _items(context: GigContext) -> list[BatchItem]:
    return [BatchItem(*row) for row in _data(context).get("items", [])]


async def new_batch(update: Update, context: GigContext) -> int:
    """Ask for the file of items."""
    await begin(update, context, KEY, {}, _file_prompt(context.t))
    return FILE


async def got_file(update: Update, context: GigContext) -> int:
    """Read the file; report every bad line, or ask for the labels."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    if document.file_size is not None and document.file_size > MAX_BATCH_BYTES:
        await reply(
            update, Screen(requesting_texts.batch_file_errors(context.t, [(0, file_too_large())]))
        )
        return FILE
    file = await document.get_file()
    if file.file_size is not None and file.file_size > MAX_BATCH_BYTES:  # not downloaded
        await reply(
            update, Screen(requesting_texts.batch_file_errors(context.t, [(0, file_too_large())]))
        )
        return FILE
    content = bytes(await file.download_as_bytearray())
    try:
        items = await bounds.off_loop(
            len(content), parse_batch_file, document.file_name or "items.csv", content
        )
    except BatchFileError as exc:
        await reply(update, Screen(requesting_texts.batch_file_errors(context.t, exc.problems)))
        return FILE
    _data(context)["items"] = [[i.line, i.text, i.image_url, i.gold] for i in items]
    golds = sum(1 for i in items if i.gold is not None)
    await reply(
        update,
        Screen(
            requesting_texts.batch_ask_labels(
                context.t, len(items), golds, MAX_LABELS, MAX_LABEL_LEN
            )
        ),
    )
    return LABELS


async def not_a_file(update: Update, context: GigContext) -> int:
    """Text where a file was expected."""
    await reply(update, Screen(context.t(requesting_texts.BATCH_NOT_A_FILE)))
    return FILE


async def got_labels(update: Update, context: GigContext) -> int:
    """Check the labels (and that every gold answer is one); ask for title and terms."""
    message = update.effective_message
    assert message is not None
    form = requesting_texts.batch_ask_labels(
        context.t,
        len(_items(context)),
        sum(1 for i in _items(context) if i.gold is not None),
        MAX_LABELS,
        MAX_LABEL_LEN,
    )
    try:
        labels = parse_labels(message.text or "")
    except ParseError as exc:
        await reply(update, Screen(formatting.try_again(context.t, exc.said(context.t), form)))
        return LABELS
    problems = check_golds(_items(context), labels)
    if problems:
        await reply(update, Screen(requesting_texts.batch_file_errors(context.t, problems)))
        return LABELS
    _data(context)["labels"] = list(labels)
    await reply(update, Screen(requesting_texts.batch_ask_title_terms(context.t)))
    return TERMS


async def got_terms(update: Update, context: GigContext) -> int:
    """Create the draft batch and show its preview with the total cost."""
    message = update.effective_message
    assert message is not None
    title_text, _, terms_text = (message.text or "").partition(";")
    try:
        title = parse_prompt(title_text)
        terms_text, topic = split_topic(terms_text)  # topic= (bot/matching/topics.py)
        terms_text, language = split_language(terms_text)  # lang= (bot/matching/languages.py)
        terms = parse_terms(terms_text, context.settings.default_auto_approve)
    except ParseError as exc:
        await reply(
            update,
            Screen(
                formatting.try_again(
                    context.t,
                    exc.said(context.t),
                    requesting_texts.batch_ask_title_terms(context.t),
                )
            ),
        )
        return TERMS
    requester = await sender_of(update, context)
    labels = tuple(str(label) for label in _data(context)["labels"])
    draft = await context.requesting.batches.create(
        requester, title, _items(context), labels, terms, topic=topic
    )
    if language is not None:
        await context.requesting.drafts.set_language(requester, "b", draft.batch.id, language)
    assert context.user_data is not None
    context.user_data.pop(KEY, None)
    await reply(update, await drafts.preview(context, requester, "b", draft.batch.id))
    return ConversationHandler.END


async def cancel_batch(update: Update, context: GigContext) -> int:
    """Drop the batch being prepared."""
    return await drop(update, context, KEY, context.t(requesting_texts.BATCH_CANCELLED))
