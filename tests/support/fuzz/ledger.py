"""Every fuzzed record accounted for, by its offset. Pure: what was sent, what was seen.

A record (partition, offset) is accounted for as exactly one of:
- a dead letter: one letter on the dead-letter topic names its partition and offset;
- applied: the consumer's inbox holds a row at its offset (recorded in the transaction
  of its effects) and its answer was seen: for demand a published outcome caused by its
  event id, counted (two records applied under one event id need two outcomes); for
  inventory its fill booked or held;
- a redelivery: no row and no letter of its own, and it repeats the event id and bytes
  of an earlier record that is accounted for (the inbox's job is to absorb it);
- skipped: an event type known on the topic but not this consumer's business.
Anything else is unaccounted; a second letter for one record, an answer no record asked
for, or a letter and an answer for one record are errors too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tests.support.fuzz.build import Record

Offset = tuple[int, int]  # partition, offset


@dataclass(frozen=True)
class Seen:
    letters: Counter[Offset]  # dead letters naming each offset
    reasons: Counter[str]  # dead letters by reason
    inbox: Mapping[Offset, str]  # the consumer's inbox row at each offset: its outcome
    answers: Mapping[str, int]  # distinct answers by answer key
    counted: bool  # answers are counted per record (demand) or only present (inventory)
    answer_types: Counter[str] = field(default_factory=Counter)


@dataclass
class Accounts:
    sent: int = 0
    dead_letters: int = 0
    applied: int = 0  # and answered
    redelivered: int = 0
    skipped: int = 0
    unaccounted: int = 0
    errors: int = 0
    examples: list[str] = field(default_factory=list)  # the first few of each, to read
    kinds: Counter[str] = field(default_factory=Counter)

    def miss(self, what: str, n: int = 1) -> None:
        self.unaccounted += n
        self._example(f"unaccounted: {what}")

    def fault(self, what: str) -> None:
        self.errors += 1
        self._example(f"error: {what}")

    def _example(self, text: str) -> None:
        if len(self.examples) < 30:
            self.examples.append(text)


def account(sent: Sequence[Record], seen: Seen, skippable: frozenset[str]) -> Accounts:
    accounts = Accounts(sent=len(sent), kinds=Counter(r.kind for r in sent))
    accounted = [False] * len(sent)
    needed: Counter[str] = Counter()
    copied = {r.copy_of for r in sent if r.copy_of is not None}
    later: list[int] = []
    for index, record in enumerate(sent):
        at = (record.partition, record.offset)
        letters, row = seen.letters[at], seen.inbox.get(at)
        where = f"{record.kind} at {at[0]}:{at[1]}"
        if letters:
            accounts.dead_letters += 1
            accounted[index] = True
            if letters > 1:
                accounts.fault(f"{where}: {letters} dead letters")
            if row == "applied":
                accounts.fault(f"{where}: applied and dead-lettered")
        elif row == "applied":
            if record.answer_key is None:
                accounts.miss(f"{where}: applied, but nothing can answer it")
            else:
                needed[record.answer_key] += 1
                accounted[index] = True
        elif row is not None:
            accounts.miss(f"{where}: inbox says {row}, no dead letter")
        elif record.copy_of is not None or index in copied:
            later.append(index)  # a copy, or copied: whichever came first is the original
        elif record.event_type in skippable:
            accounts.skipped += 1
            accounted[index] = True
        else:
            accounts.miss(f"{where}: no row, no dead letter, no earlier copy")
    # Copies of one event id and bytes land on several partitions: the one applied first
    # (not always the one sent first) is the original, every other is a redelivery.
    group_accounted = {_root(sent, i) for i, done in enumerate(accounted) if done}
    for index in later:
        record = sent[index]
        if _root(sent, index) in group_accounted:
            accounts.redelivered += 1
            accounted[index] = True
        elif record.event_type in skippable:
            accounts.skipped += 1
            accounted[index] = True
        else:
            where = f"{record.kind} at {record.partition}:{record.offset}"
            accounts.miss(f"{where}: no row, no dead letter, no copy of it accounted for")
    for key, count in needed.items():
        got = seen.answers.get(key, 0)
        answered = min(got, count) if seen.counted else (count if got else 0)
        accounts.applied += answered
        if answered < count:
            accounts.miss(f"answer {key!r}: {got} seen for {count} applied", count - answered)
        elif seen.counted and got > count:
            accounts.fault(f"answer {key!r}: {got} seen for {count} applied")
    for key in seen.answers.keys() - needed.keys():
        accounts.fault(f"answer {key!r}: no record applied asked for it")
    return accounts


def _root(sent: Sequence[Record], index: int) -> int:
    """The first record of the copies ``index`` belongs to (copies name it, never a copy)."""
    first = sent[index].copy_of
    return index if first is None else first
