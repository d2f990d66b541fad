"""Reading a large CSV in pieces at once, in forked worker processes; the result is the same."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator

from siaga.core.importkit import ProblemList
from siaga.core.tabular import Unreadable
from siaga.regions.tps_file.data import TpsRow

PARALLEL_MIN_CHARS = 4_000_000  # about 40,000 rows; a smaller file is read before a worker would start
MAX_WORKERS = 8  # pieces of a national file stay large enough to be worth a process


def default_workers() -> int:
    """Processes to read a large file with: the CPUs this process may run on."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cpus, MAX_WORKERS)



class ParallelRead:
    """reader._Reader's reading of pieces in forked workers."""

    def consume_pieces(self, pieces: list[Iterator[tuple[int, list[str]]]]) -> bool:
        """Consume a file's pieces, the first here and the others in forked workers.

        False, with this reader's state spoilt, when they do not join up as one read would
        have gone: a piece unreadable, or one TPS in two pieces (a duplicate the pieces
        could not see). Every other finding is per row, or first-come per desa.
        """
        first, *others = pieces
        if not self._find_header(first):
            return True
        fork = multiprocessing.get_context("fork")  # the workers inherit the header read here
        workers = []
        for rows in others:
            receive, send = fork.Pipe(duplex=False)
            process = fork.Process(target=self._piece_worker, args=(rows, send), daemon=True)
            process.start()
            send.close()
            workers.append((process, receive))
        try:
            data_rows = self._data(first)
            found = [receive.recv() for _, receive in workers]
        except (Unreadable, EOFError):  # EOFError: a worker died without an answer
            return False
        finally:
            for process, _ in workers:
                process.terminate()
                process.join()
        if None in found:
            return False
        seen = [self.seen, *(f[3] for f in found)]
        if sum(map(len, seen)) != len(set().union(*seen)):
            return False
        for count, rows, problems, _, unknown in found:
            data_rows += count
            self.result.rows.extend(map(TpsRow._make, rows))
            self.result.problems.merge(problems)
            for code, note in unknown.items():
                self.unknown.setdefault(code, note)
        if not data_rows:
            self.file_problem("no_rows")
        return True

    def _piece_worker(self, rows, send) -> None:
        """In a forked worker: check one piece from a clean slate and send back what it found."""
        self.result.rows, self.result.problems, self.seen, self.unknown = [], ProblemList(), {}, {}
        try:
            count = self._data(rows)
        except Unreadable:
            send.send(None)
            return
        # plain tuples pickle several times faster than named ones
        send.send((count, [tuple(row) for row in self.result.rows], self.result.problems, self.seen, self.unknown))
