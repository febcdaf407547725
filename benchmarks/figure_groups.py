"""Per-report cost of deciding figures in a stored block: the whole block (as before issue 12's
in-place groups) against joining the groups in place (`FigureGroups.extend` + `decide_group`).

usage: python benchmarks/figure_groups.py STORE.db [--reports 100]

Reads the largest block of a store (for example one `benchmarks/scale.py --whole --work DIR`
left behind), holds back its last `--reports` reports' figures and adds them back one report at a
time both ways, timing CPU.  Prints the block, its groups and the two totals; the last line is
`speed-up N.Nx`.
"""
from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select

from newstrace.resolve.conflicts import FigureGroups, decide_figures, decide_group
from newstrace.store.db import Database
from newstrace.store.figures import load_block_figures
from newstrace.store.schema import FigureRow


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store")
    ap.add_argument("--reports", type=int, default=100)
    args = ap.parse_args()
    db = Database(args.store, create=False)
    with db.session() as s:
        block, size = s.execute(select(FigureRow.block, func.count()).group_by(FigureRow.block)
                                .order_by(func.count().desc()).limit(1)).one()
        figures = load_block_figures(s, [block])
    docs = sorted({f.document for f in figures}, key=lambda d: int(d[1:]))
    held = docs[-args.reports:]
    prefix = [f for f in figures if f.document not in set(held)]
    groups = FigureGroups(prefix)
    print(f"block {block}: {size} figures; {len(groups.groups())} groups before the last {len(held)} reports")
    whole = in_place = 0.0
    rebuilt = 0
    for d in held:
        new = [f for f in figures if f.document == d]
        prefix += new
        t = time.process_time()
        decide_figures(prefix)
        whole += time.process_time() - t
        t = time.process_time()
        joined = groups.extend(new)
        if joined is None:  # the figures change which words link: built again, as update_figures does
            rebuilt += 1
            groups = FigureGroups(prefix)
            joined = ({groups.find(i) for i in range(len(prefix) - len(new), len(prefix))}, set())
        for root in joined[0]:
            decide_group([groups.figures[i] for i in groups.members(root)])
        in_place += time.process_time() - t
    print(f"{len(held)} reports: whole block {whole:.2f} CPU s, groups in place {in_place:.3f} CPU s "
          f"({rebuilt} rebuilt)")
    print(f"speed-up {whole / max(in_place, 1e-9):.1f}x")


if __name__ == "__main__":
    main()
