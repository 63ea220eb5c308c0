"""Executes one notebook with nbclient, cell by cell, for scripts/run-notebooks.ts.

usage: execute.py NOTEBOOK EXECUTED_COPY CELL_TIMEOUT_S KERNEL_ERRORS_FILE RESULT_FILE

Writes the executed copy (with its outputs, also when a cell fails) and RESULT_FILE, JSON:
{"ok": true} or {"ok": false, "cell": <1-based index among all cells>, "cells": <count>, "error": <text>}.
A cell fails when the kernel reports an error, when it runs past the time limit, or when the kernel guard
(kernel-guard.js, preloaded by the runner) recorded an unhandled rejection or uncaught exception by its end.
"""
import asyncio
import json
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

# After the last cell, how long a promise that nothing awaits still has to reject and fail the notebook.
FINAL_GRACE_S = 2.0
# How long tslab's kernel may take to start (nbclient's default, 60 s, is not enough on a loaded machine).
KERNEL_STARTUP_S = 300


def cell_error(cell):
    """tslab reports a failed cell with an empty error reply; its message is in the cell's stderr."""
    outputs = cell.get('outputs', [])
    text = ''.join(o.get('text', '') for o in outputs if o.get('output_type') == 'stream' and o.get('name') == 'stderr')
    text += ''.join(f"{o.get('ename')}: {o.get('evalue')}\n" for o in outputs if o.get('output_type') == 'error')
    return text.strip() or 'the kernel reported an error without a message'


async def execute(nb, notebook_dir, timeout_s, errors_file):
    client = NotebookClient(
        nb,
        timeout=timeout_s,
        startup_timeout=KERNEL_STARTUP_S,
        kernel_name='tslab',
        resources={'metadata': {'path': notebook_dir}},
    )
    seen = 0

    async def guard_errors():
        # The kernel answers kernel_info in a later event-loop turn than the one that ended the cell, by which
        # time Node has reported that turn's unhandled rejections to the guard.
        await client.async_wait_for_reply(client.kc.kernel_info())
        nonlocal seen
        with open(errors_file) as f:
            f.seek(seen)
            lines = f.read()
            seen = f.tell()
        return '\n'.join(f"{e['kind']}: {e['error']}" for e in map(json.loads, lines.splitlines()))

    client.reset_execution_trackers()
    async with client.async_setup_kernel():
        for index, cell in enumerate(nb.cells):
            try:
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                error = await guard_errors()
                if error:
                    error = f'by the end of this cell (from it, or from work an earlier cell left running), {error}'
            except CellTimeoutError:
                error = f'ran past the cell time limit of {timeout_s} s'
            except DeadKernelError:
                error = 'the kernel died'
            except CellExecutionError:
                error = cell_error(cell)
            if error:
                return {'ok': False, 'cell': index + 1, 'cells': len(nb.cells), 'error': error}
        await asyncio.sleep(FINAL_GRACE_S)
        error = await guard_errors()
        if error:
            return {'ok': False, 'cell': len(nb.cells), 'cells': len(nb.cells), 'error': f'after the last cell: {error}'}
    return {'ok': True}


def main(notebook, executed_copy, timeout_s, errors_file, result_file):
    nb = nbformat.read(notebook, as_version=4)
    try:
        result = asyncio.run(execute(nb, os.path.dirname(os.path.abspath(notebook)), int(timeout_s), errors_file))
    finally:
        os.makedirs(os.path.dirname(os.path.abspath(executed_copy)), exist_ok=True)
        nbformat.write(nb, executed_copy)
    with open(result_file, 'w') as f:
        json.dump(result, f)


if __name__ == '__main__':
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
