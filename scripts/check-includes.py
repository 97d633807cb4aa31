#!/usr/bin/env python3
"""Fail when brink's modules include each other in a loop.

A module is a file name without its extension (config.c and config.h are the
module config); NAME_int.h is the private header of module NAME, shared by its
own .c files only (cgroup_int.h: cgroup.c and cgroup_v2.c), so it counts as
NAME. Module X depends on Y when X.c or X.h includes Y.h in any form the
compiler resolves to HARNESS_DIR/Y.h: "Y.h", "./Y.h", "../harness/Y.h" (any
path that leads back into HARNESS_DIR), or <Y.h> when Y is a module of
HARNESS_DIR (harness/ is on the include path, searched before the system's).
The
modules of harness/ must form a DAG, so that each can be read, tested and
changed knowing only those below it: this prints every strongly connected
component of more than one module (with the edges inside it) and exits 1, or
prints nothing and exits 0.

Usage: check-includes.py [HARNESS_DIR]   (default: harness/ beside scripts/)
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)\.h[">]', re.M)


def module(name):
    return name[: -len("_int")] if name.endswith("_int") else name


def included(root, mods, text):
    """The names (without .h) of root's headers that text includes."""
    root = os.path.realpath(root)
    for form, path in INCLUDE.findall(text):
        where, name = os.path.split(path)
        if os.path.realpath(os.path.join(root, where)) != root:
            continue  # <sys/types.h>, "bpf/x.h": not a header of root
        if form == '"' or module(name) in mods:
            yield name


def graph(root):
    deps = {}
    names = sorted(os.listdir(root))
    sources = [n for n in names if os.path.splitext(n)[1] in (".c", ".h")]
    mods = {module(os.path.splitext(n)[0]) for n in sources}
    for name in sources:
        mod = module(os.path.splitext(name)[0])
        with open(os.path.join(root, name), encoding="utf-8") as f:
            found = included(root, mods, f.read())
        deps.setdefault(mod, set()).update(module(d) for d in found if module(d) != mod)
    for mod in list(deps):  # generated headers (syswatch.skel.h), bpf/...: leaves
        for d in deps[mod]:
            deps.setdefault(d, set())
    return deps


def components(deps):
    """Tarjan's algorithm, iterative: the SCCs of deps."""
    index, low, on, stack, out = {}, {}, set(), [], []
    for start in sorted(deps):
        if start in index:
            continue
        work = [(start, iter(sorted(deps[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(deps[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "harness")
    deps = graph(root)
    loops = [c for c in components(deps) if len(c) > 1]
    for comp in sorted(loops):
        print("include loop: " + " ".join(comp))
        for m in comp:
            inside = sorted(d for d in deps[m] if d in comp)
            print("  %s -> %s" % (m, ", ".join(inside)))
    return 1 if loops else 0


if __name__ == "__main__":
    sys.exit(main())
