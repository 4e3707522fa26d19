"""Common-subexpression elimination for constant +-1 weight matrices (ternary/binary add/sub trees).

Each output m is a signed sum of inputs: y_m = sum_k s_mk * x_k with s_mk in {-1, 0, +1}. Greedy pair
extraction: the pair (a, b, rel) -- the sub-sum t = x_a + rel * x_b -- that occurs in the most outputs
(as +t or -t) becomes a new node computed once; every output holding it uses t instead of its two terms.
Repeat while a pair is shared by at least two outputs. Nodes may pair with nodes (deeper sharing).

Adder count: an output with n terms costs n - 1 two-input adders/subtractors; a shared node costs 1.
"""
import heapq


class Cse:
    """Result: nodes[i] = (a, b, rel) defines node id n_in + i as x_a + rel * x_b (ids < n_in are inputs);
    outputs[m] = {id: sign}."""

    def __init__(self, n_in, nodes, outputs):
        self.n_in = n_in
        self.nodes = nodes
        self.outputs = outputs

    def adders(self):
        return len(self.nodes) + sum(max(0, len(o) - 1) for o in self.outputs)


def adders_plain(rows):
    """Two-input adders of the unshared trees: sum over outputs of (non-zeros - 1)."""
    return sum(max(0, sum(1 for s in r.values() if s) - 1) for r in rows)


def _key(a, sa, b, sb):
    if a > b:
        a, sa, b, sb = b, sb, a, sa
    return (a, b, sa * sb)


def extract(n_in, rows, max_nodes=None):
    """rows: list of {input index: +-1}. Returns a Cse."""
    outputs = [dict(r) for r in rows]
    count = {}
    where = {}

    def add_pairs(o, t, st):
        for u, su in outputs[o].items():
            if u == t:
                continue
            k = _key(t, st, u, su)
            count[k] = count.get(k, 0) + 1
            where.setdefault(k, set()).add(o)

    def del_pairs(o, t, st):
        for u, su in outputs[o].items():
            if u == t:
                continue
            k = _key(t, st, u, su)
            count[k] -= 1
            where[k].discard(o)

    for o, r in enumerate(outputs):
        items = sorted(r.items())
        for i, (a, sa) in enumerate(items):
            for b, sb in items[i + 1:]:
                k = (a, b, sa * sb)
                count[k] = count.get(k, 0) + 1
                where.setdefault(k, set()).add(o)
    heap = [(-c, k) for k, c in count.items() if c >= 2]
    heapq.heapify(heap)
    nodes = []
    while heap:
        negc, k = heapq.heappop(heap)
        c = count.get(k, 0)
        if c != -negc:
            if c >= 2:
                heapq.heappush(heap, (-c, k))
            continue
        if c < 2 or (max_nodes is not None and len(nodes) >= max_nodes):
            break
        a, b, rel = k
        n = n_in + len(nodes)
        nodes.append((a, b, rel))
        for o in sorted(where[k]):
            r = outputs[o]
            sa = r[a]
            del_pairs(o, a, sa)
            del r[a]
            del_pairs(o, b, r[b])
            del r[b]
            add_pairs(o, n, sa)
            r[n] = sa
            for u, su in r.items():
                if u != n:
                    kk = _key(n, sa, u, su)
                    if count[kk] >= 2:
                        heapq.heappush(heap, (-count[kk], kk))
        count.pop(k, None)
        where.pop(k, None)
    return Cse(n_in, nodes, outputs)


def check(cse, rows):
    """Expands every output back to input coefficients and compares with rows (self-test)."""
    memo = {}

    def expand(t):
        if t < cse.n_in:
            return {t: 1}
        if t in memo:
            return memo[t]
        a, b, rel = cse.nodes[t - cse.n_in]
        e = dict(expand(a))
        for u, s in expand(b).items():
            e[u] = e.get(u, 0) + rel * s
        memo[t] = {u: s for u, s in e.items() if s}
        return memo[t]

    for o, r in zip(cse.outputs, rows):
        tot = {}
        for t, s in o.items():
            for u, su in expand(t).items():
                tot[u] = tot.get(u, 0) + s * su
        tot = {u: s for u, s in tot.items() if s}
        want = {u: s for u, s in r.items() if s}
        if tot != want:
            raise AssertionError("CSE changed an output")
