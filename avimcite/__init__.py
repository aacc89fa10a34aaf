"""avimcite: cite AVİM (Center for Eurasian Studies) posts from a local catalogue.

This module imports nothing heavy: `avimcite --version` and the light commands
must start close to the interpreter's own start-up time.
"""

__version__ = "0.1.0"

# The files a command read, stamped *before* it read them, for the answer cache of entry.py:
# a file that changes while it is read then fails the next check, never the other way round.
inputs: list[str] = []


def stamp(path: str) -> str:
    """`path`, size, modification and change times, inode: what says a file is the one read.
    (avimcite replaces files, a new inode each write; an edit in place changes ctime even
    within a coarse mtime tick.)"""
    import os

    try:
        st = os.stat(path)
    except OSError:
        return f"{path}\t-"
    return f"{path}\t{st.st_size}\t{st.st_mtime_ns}\t{st.st_ctime_ns}\t{st.st_ino}"


def record_input(*paths) -> None:
    """Call before reading the files a command's output depends on."""
    inputs.extend(stamp(str(path)) for path in paths)
