#!/usr/bin/python3
"""Holds the write lock of a sqlite database for some seconds, as another process on the same
file would: BEGIN EXCLUSIVE (in WAL mode the same as IMMEDIATE: writers wait, readers go on),
then ROLLBACK. Prints "locked <unix time>" once it holds the lock and "released <unix time>"
when it let go. Standard library only.
    sqlite_lock.py state.db 8
"""

import sqlite3
import sys
import time


def main():
    path, seconds = sys.argv[1], float(sys.argv[2])
    con = sqlite3.connect(path, isolation_level=None, timeout=30)
    con.execute("BEGIN EXCLUSIVE")
    print(f"locked {time.time():.3f}", flush=True)
    time.sleep(seconds)
    con.execute("ROLLBACK")
    con.close()
    print(f"released {time.time():.3f}", flush=True)


if __name__ == "__main__":
    main()
