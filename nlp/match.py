"""Boolean brand queries: which mentions talk about a brand.

Grammar (keywords are upper-case; lower-case ``or``/``and``/``not`` are ordinary words)::

    query    := group
    group    := or_expr                        (plus the exclusions collected while parsing it, see below)
    or_expr  := and_expr ( "OR" and_expr )*
    and_expr := unary ( ["AND"] unary | EXCL )*  adjacent operands are ANDed
    unary    := "NOT" unary | near
    near     := primary ( "NEAR/" n primary )*   both terms within n words of each other
    primary  := WORD | "quoted phrase" | "(" group ")"

Precedence is NOT > NEAR > AND > OR, with one rule that social-listening users expect: a ``NOT x`` written
straight after an operand (no AND/OR in between) is an *exclusion* and applies to the whole group it is in
(the whole query, or the enclosing parentheses). So ``"glow lab" OR 글로우랩 OR 光澤 NOT job`` means
``("glow lab" OR 글로우랩 OR 光澤) AND NOT job``. Write ``a OR (b AND NOT c)`` or ``a OR b AND NOT c`` to
exclude from one alternative only.

Matching is on NFKC-normalised, case-folded text. A term's edge that is a Latin (or other spaced-script)
letter or digit must sit at a word boundary: the neighbouring character is not such a letter or digit. So
``"glow lab"`` does not match "glow labs", but matches "Glow Lab!", "#glow lab" and "Glow Lab은". Edges
in Chinese, Japanese, Korean or Thai are plain substrings, so Korean particles attach: 글로우랩 matches
"글로우랩은".
Whitespace inside a phrase matches any run of whitespace.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

# Scripts written without spaces between words: their terms match as substrings.
_UNSPACED = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1100-\u11ff"  # Hangul jamo
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3000-\u30ff"  # CJK punctuation, kana
    "\u3100-\u31ff"  # bopomofo, Hangul compatibility jamo, kana extensions
    "\u3400-\u4dbf\u4e00-\u9fff"  # Han
    "\ua960-\ua97f\uac00-\ud7ff"  # Hangul
    "\uf900-\ufaff"  # Han compatibility
    "\U00020000-\U0003134f"  # Han extensions
)
# A "word character" for boundary purposes: a letter or digit that is not in an unspaced script.
_WORDCH = f"[^\\W_{_UNSPACED}]"
_WORDCH_RE = re.compile(_WORDCH)
_SPACES = re.compile(r"\s+")

# Limits: longer or deeper queries are refused with a QueryError (parsing is recursive; every term is a
# pattern run over every mention).
MAX_QUERY_CHARS = 10_000
MAX_TERMS = 1_000
MAX_DEPTH = 32  # nested parentheses and NOTs


class QueryError(ValueError):
    """An invalid brand query; ``position`` is the 0-based character offset of the problem."""

    def __init__(self, message: str, position: int, query: str = "") -> None:
        self.position = position
        self.query = query
        start = max(0, position - 40)
        shown = query[start : position + 40]  # a window around the problem, not a 10,000-character query
        pointer = f"\n  {shown}\n  {' ' * (position - start)}^" if query and "\n" not in shown else ""
        super().__init__(f"{message} (at position {position}){pointer}")


def normalize_text(text: str) -> str:
    """The form both queries and texts are compared in: NFKC, case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


# ---------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD PHRASE OR AND NOT NEAR LPAREN RPAREN END
    value: str
    pos: int
    n: int = 0  # NEAR distance


_NEAR = re.compile(r"NEAR/(\d+)")


def _tokenize(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            toks.append(_Tok("LPAREN" if ch == "(" else "RPAREN", ch, i))
            i += 1
        elif ch in '"\u201c\u201d':
            end = query.find('"', i + 1) if ch == '"' else _find_any(query, '"\u201d', i + 1)
            if end < 0:
                raise QueryError("unclosed quote", i, query)
            phrase = query[i + 1 : end].strip()
            if not phrase:
                raise QueryError("empty quoted phrase", i, query)
            toks.append(_Tok("PHRASE", phrase, i))
            i = end + 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in '()"\u201c\u201d':
                j += 1
            word = query[i:j]
            if word in ("OR", "AND", "NOT"):
                toks.append(_Tok(word, word, i))
            elif word.startswith("NEAR/") or word == "NEAR":
                m = _NEAR.fullmatch(word)
                if not m or int(m.group(1)) < 1:
                    raise QueryError("NEAR needs a positive word distance, e.g. NEAR/5", i, query)
                toks.append(_Tok("NEAR", word, i, int(m.group(1))))
            else:
                toks.append(_Tok("WORD", word, i))
            i = j
    terms = sum(1 for t in toks if t.kind in ("WORD", "PHRASE"))
    if terms > MAX_TERMS:
        raise QueryError(f"query has {terms:,} terms, over the limit of {MAX_TERMS:,}", 0, query)
    toks.append(_Tok("END", "", n))
    return toks


def _find_any(s: str, chars: str, start: int) -> int:
    hits = [k for k in (s.find(c, start) for c in chars) if k >= 0]
    return min(hits) if hits else -1


# ---------------------------------------------------------------- AST


class _Node:
    def eval(self, text: str) -> bool:  # text is already normalised
        raise NotImplementedError


@dataclass
class _Term(_Node):
    raw: str
    pattern: re.Pattern[str] = field(init=False, repr=False)
    bounded_left: bool = field(init=False, repr=False)
    bounded_right: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        norm = _SPACES.sub(" ", normalize_text(self.raw).strip())
        if not norm:
            raise ValueError("empty term")
        self.pattern = re.compile(r"\s+".join(re.escape(part) for part in norm.split(" ")))
        # Boundaries only where the term's own edge is a spaced-script letter/digit: "lab" must not match
        # inside "labs", but 글로우랩 must match inside "글로우랩은". Checked here rather than as look-arounds
        # in the pattern: compiling the character class into every term's pattern took milliseconds a term.
        self.bounded_left = _WORDCH_RE.match(norm[0]) is not None
        self.bounded_right = _WORDCH_RE.match(norm[-1]) is not None

    def eval(self, text: str) -> bool:
        return next(self.positions(text), None) is not None

    def positions(self, text: str) -> Iterator[tuple[int, int]]:
        pos = 0
        while (m := self.pattern.search(text, pos)) is not None:
            start, end = m.span()
            if (not self.bounded_left or start == 0 or not _WORDCH_RE.match(text, start - 1)) and (
                not self.bounded_right or end == len(text) or not _WORDCH_RE.match(text, end)
            ):
                yield start, end
                pos = end
            else:
                pos = start + 1


@dataclass
class _Not(_Node):
    child: _Node

    def eval(self, text: str) -> bool:
        return not self.child.eval(text)


@dataclass
class _And(_Node):
    children: list[_Node]

    def eval(self, text: str) -> bool:
        return all(c.eval(text) for c in self.children)


@dataclass
class _Or(_Node):
    children: list[_Node]

    def eval(self, text: str) -> bool:
        return any(c.eval(text) for c in self.children)


_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


@dataclass
class _Near(_Node):
    left: _Term
    right: _Term
    distance: int

    def eval(self, text: str) -> bool:
        lefts = list(self.left.positions(text))
        if not lefts:
            return False
        rights = list(self.right.positions(text))
        if not rights:
            return False
        # Word index of every character offset: the number of word tokens that start before it.
        starts = [m.start() for m in _TOKEN_RE.finditer(text)]

        def word_index(offset: int) -> int:
            return bisect.bisect_right(starts, offset)

        right_words = sorted((word_index(s), word_index(max(s, e - 1))) for s, e in rights)
        right_starts = [rs for rs, _ in right_words]
        # For the rights that start before a left term ends: the furthest word any of them reaches.
        reach: list[int] = []
        for _, re_ in right_words:
            reach.append(max(re_, reach[-1]) if reach else re_)
        d = self.distance
        # Linear in the matches (not their product): a text repeating both terms thousands of times is fast.
        for s, e in lefts:
            ls, le = word_index(s), word_index(max(s, e - 1))
            i = bisect.bisect_left(right_starts, le)
            if i < len(right_starts) and right_starts[i] - le <= d:
                return True
            if i > 0 and ls - reach[i - 1] <= d:
                return True
        return False


# ---------------------------------------------------------------- parser


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.toks = _tokenize(query)
        self.i = 0
        self.depth = 0

    def deeper(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                f"query nests parentheses or NOTs more than {MAX_DEPTH} deep", tok.pos, self.query
            )

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def error(self, message: str, tok: _Tok | None = None) -> QueryError:
        return QueryError(message, (tok or self.peek()).pos, self.query)

    def parse(self) -> _Node:
        if self.peek().kind == "END":
            raise self.error("empty query")
        node = self.group()
        tok = self.peek()
        if tok.kind == "RPAREN":
            raise self.error("unbalanced ')'", tok)
        if tok.kind != "END":
            raise self.error(f"unexpected {tok.value!r}", tok)
        return node

    def group(self) -> _Node:
        exclusions: list[_Node] = []
        node = self.or_expr(exclusions)
        if exclusions:
            node = _And([node, *(_Not(e) for e in exclusions)])
        return node

    def or_expr(self, exclusions: list[_Node]) -> _Node:
        parts = [self.and_expr(exclusions)]
        while self.peek().kind == "OR":
            self.take()
            parts.append(self.and_expr(exclusions))
        return parts[0] if len(parts) == 1 else _Or(parts)

    def and_expr(self, exclusions: list[_Node]) -> _Node:
        parts = [self.unary()]
        while True:
            tok = self.peek()
            if tok.kind == "AND":
                self.take()
                parts.append(self.unary())
            elif tok.kind == "NOT":
                # NOT straight after an operand: an exclusion for the whole group (see module docstring).
                self.take()
                exclusions.append(self.unary())
            elif tok.kind in ("WORD", "PHRASE", "LPAREN"):
                parts.append(self.unary())  # implicit AND
            else:
                break
        return parts[0] if len(parts) == 1 else _And(parts)

    def unary(self) -> _Node:
        tok = self.peek()
        if tok.kind == "NOT":
            self.take()
            self.deeper(tok)
            node = _Not(self.unary())
            self.depth -= 1
            return node
        return self.near()

    def near(self) -> _Node:
        node = self.primary()
        while self.peek().kind == "NEAR":
            tok = self.take()
            right = self.primary()
            if not isinstance(node, _Term) or not isinstance(right, _Term):
                raise self.error("NEAR/n joins two words or quoted phrases", tok)
            node = _Near(node, right, tok.n)
        return node

    def primary(self) -> _Node:
        tok = self.take()
        if tok.kind in ("WORD", "PHRASE"):
            try:
                return _Term(tok.value)
            except ValueError:
                raise QueryError("term is empty after normalisation", tok.pos, self.query) from None
        if tok.kind == "LPAREN":
            if self.peek().kind == "RPAREN":
                raise self.error("empty parentheses")
            self.deeper(tok)
            node = self.group()
            self.depth -= 1
            close = self.take()
            if close.kind != "RPAREN":
                raise QueryError("missing ')' for the '(' here", tok.pos, self.query)
            return node
        if tok.kind == "END":
            raise QueryError("query ends where a term was expected", tok.pos, self.query)
        if tok.kind == "RPAREN":
            raise QueryError("unexpected ')' where a term was expected", tok.pos, self.query)
        raise QueryError(f"{tok.value!r} where a term was expected", tok.pos, self.query)


# ---------------------------------------------------------------- public API


@dataclass(frozen=True)
class BrandQuery:
    """A parsed boolean brand query; build it with ``BrandQuery.parse``."""

    query: str
    _root: _Node = field(repr=False, compare=False)

    @classmethod
    def parse(cls, query: str) -> BrandQuery:
        """Parse ``query``; raises QueryError (with ``position``) when it is invalid or over the limits
        (``MAX_QUERY_CHARS`` characters, ``MAX_TERMS`` terms, ``MAX_DEPTH`` levels of nesting)."""
        if not isinstance(query, str):
            raise QueryError(f"a query is text, not {type(query).__name__}", 0)
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"query is {len(query):,} characters, over the limit of {MAX_QUERY_CHARS:,}", 0)
        return cls(query, _Parser(query).parse())

    def matches(self, text: str) -> bool:
        """Whether ``text`` satisfies the query."""
        return self._root.eval(normalize_text(text))

    def matches_normalized(self, norm_text: str) -> bool:
        """``matches`` for text already passed through ``normalize_text`` (saves work over many queries)."""
        return self._root.eval(norm_text)


def match_brands(text: str, queries: dict[str, BrandQuery]) -> list[str]:
    """Names of the brands (in ``queries`` order) whose query matches ``text``."""
    norm = normalize_text(text)
    return [name for name, q in queries.items() if q.matches_normalized(norm)]
