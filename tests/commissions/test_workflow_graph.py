"""The move table is one checked graph: every move some code makes, every status reachable
and, unless it is final, left by a move that something performs.

"Performs" is read from the source: a function that calls `workflow.advance(…, "name", …)`
makes that move, and a move counts only if such a function is reached from something that
runs on its own — a view, a Celery task, the owner's admin — through the functions it calls.
(The demo seeding is not a caller: a status only the demo reaches is still a dead end.)
"""

import ast
from collections import defaultdict, deque
from pathlib import Path

import pytest

from commissions import workflow
from commissions.models import Status
from commissions.views.moves import PERFORM
from tests.conftest import ROOT

APPS = ("commissions", "makers", "shop")
# Where a person or the beat sets code running.
ENTRY_MODULES = ("views", "tasks", "admin", "urls")
NOT_CALLERS = ("demo", "management", "migrations")


def _modules() -> list[Path]:
    return [
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if not any(part in NOT_CALLERS or part.startswith("demo") for part in path.parts)
    ]


def _is_entry(path: Path) -> bool:
    return any(part.removesuffix(".py") in ENTRY_MODULES for part in path.parts)


def _names_in(node: ast.AST) -> set[str]:
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            names.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            names.add(sub.attr)
    return names


def _moves_made_in(node: ast.AST) -> set[str]:
    made = set()
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Call):
            continue
        func = sub.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called == "advance" and len(sub.args) >= 2 and isinstance(sub.args[1], ast.Constant):
            made.add(sub.args[1].value)
    return made


def code_graph():
    """Per function name: the moves it makes itself and the names it mentions; and the
    names an entry point mentions."""
    makes: dict[str, set[str]] = defaultdict(set)
    mentions: dict[str, set[str]] = defaultdict(set)
    entries: set[str] = set()
    for path in _modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                makes[node.name] |= _moves_made_in(node)
                mentions[node.name] |= _names_in(node) - {node.name}
        if _is_entry(path):
            entries |= _names_in(tree)
    return makes, mentions, entries


def performed_moves() -> set[str]:
    """The moves made by some function that a view, task or admin action reaches."""
    makes, mentions, entries = code_graph()
    seen, todo = set(), deque(name for name in entries if name in mentions)
    while todo:
        name = todo.popleft()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(n for n in mentions[name] if n in mentions and n not in seen)
    return set().union(*(makes[name] for name in seen))


def test_every_move_in_the_table_is_made_by_code_that_something_runs():
    performed = performed_moves()
    assert set(workflow.MOVES) - performed == set(), "moves nothing makes"
    assert performed - set(workflow.MOVES) == set(), "moves made that the table does not have"


def test_every_status_but_the_final_ones_has_a_way_on_and_the_final_ones_have_none():
    performed = performed_moves()
    stuck = [
        s
        for s in Status
        if s not in workflow.FINAL and not any(m.name in performed for m in workflow.moves_from(s))
    ]
    assert stuck == [], f"statuses the code can reach but never leave: {stuck}"
    assert [m.name for s in workflow.FINAL for m in workflow.moves_from(s)] == []


def test_from_every_status_but_the_final_ones_the_piece_can_still_reach_its_buyer():
    """A way out is not enough (the shop can cancel almost anything): from every status
    that is not final, moves that code makes lead on to a completed commission."""
    performed = performed_moves()
    leads_on = {Status.COMPLETED}
    changed = True
    while changed:
        changed = False
        for move in workflow.MOVES.values():
            if move.name in performed and move.to in leads_on:
                for status in move.frm - leads_on:
                    leads_on.add(status)
                    changed = True
    dead_ends = [s for s in Status if s not in workflow.FINAL and s not in leads_on]
    assert dead_ends == [], f"statuses the code can reach but never finish from: {dead_ends}"


def test_every_status_can_be_reached_from_a_first_question_or_request():
    performed = performed_moves()
    reached, todo = set(workflow.START), deque(workflow.START)
    while todo:
        status = todo.popleft()
        for move in workflow.moves_from(status):
            if move.name in performed and move.to not in reached:
                reached.add(move.to)
                todo.append(move.to)
    assert set(Status) - reached == set(), "statuses nothing leads to"


def test_every_move_has_someone_to_make_it_and_a_button_when_a_person_does():
    for move in workflow.MOVES.values():
        assert move.frm and move.roles <= {
            workflow.BUYER,
            workflow.MAKER,
            workflow.OWNER,
            workflow.SYSTEM,
        }
        assert move.to in Status.values and move.frm <= set(Status.values)
        assert bool(move.button) == move.by_hand, move.name


def test_every_button_a_page_offers_has_a_view_that_makes_its_move():
    """A buyer's or maker's button is a POST to the one move view, or a link to the
    move's own page; the owner's moves are the office's actions."""
    from commissions.admin import CommissionAdmin

    for move in workflow.MOVES.values():
        people = move.roles & {workflow.BUYER, workflow.MAKER}
        if people:
            assert move.page or move.name in PERFORM, move.name
        if workflow.OWNER in move.roles:
            assert move.name in CommissionAdmin.actions, move.name
    assert set(PERFORM) <= set(workflow.MOVES)


@pytest.mark.parametrize("name", ["ship", "start_from_waitlist", "balance_paid"])
def test_the_graph_check_would_notice_a_move_nothing_makes(name, monkeypatch):
    """Taking away the code that makes a move leaves its status stuck, and the check says
    so (the test can fail)."""
    import tests.commissions.test_workflow_graph as graph

    real = graph._moves_made_in
    monkeypatch.setattr(graph, "_moves_made_in", lambda node: real(node) - {name})
    assert name not in performed_moves()
    with pytest.raises(AssertionError, match="never finish from"):
        test_from_every_status_but_the_final_ones_the_piece_can_still_reach_its_buyer()
