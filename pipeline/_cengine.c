/* chanjiao's extraction engine: string matching and keyword counting over Python str, in C.
 *
 * Why: keywords and actor mentions must cost little next to segmentation (issue 3). The
 * general-purpose automaton we used (ahocorasick_rs) spends ~14 ns a character on policy text,
 * most of it on UTF-8 bytes; counting a document's tokens through Python dicts costs ~55 ns a
 * token, most of it on hashing fresh strings. Here both run on the code points of the str
 * objects themselves. The code paths it replaces stay in extract.py and keywords.py and serve
 * when this module was not built (no compiler at install); tests/test_cengine.py checks that
 * both give identical results.
 *
 * Trie: patterns as a trie over code points; transitions of the root for the BMP in a dense
 * array behind a bitmap (most positions of a text start no pattern and cost one bit read), the
 * others in one open-addressing table keyed by (node, code point). Matching walks the trie from
 * every position: all matches (overlapping), or leftmost-longest non-overlapping ones.
 *
 * TermCore and ActorCore: the framework term hits (with the nesting rule) and the actor
 * extractor's rules over a text and its (word, tag) pairs, twins of TermMatcher._find and
 * ActorMatcher._find in extract.py, returning the package's records. Python per match (name
 * extension, people, lists, roles, records) was what kept extraction above 30 % of
 * segmentation.
 *
 * KeywordCounter: per word (its code points hashed here), its TF-IDF weight or "no candidate",
 * judged once per process; per call, counts of a document's words and the top k by
 * count x weight.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ROOT_DENSE 0x10000

static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* ------------------------------------------------------------------ Trie */

typedef struct {
    PyObject_HEAD
    int32_t *root;      /* ROOT_DENSE entries: child of the root, 0 = none */
    uint64_t *root_bits; /* ROOT_DENSE bits: whether the root has a child there (8 KB, where the
                          * 256 KB of root are mostly cold: most characters start no pattern) */
    uint64_t *keys;     /* (node << 21 | cp) + 1; 0 = empty slot */
    int32_t *vals;      /* child node of the key */
    size_t mask;        /* table size - 1 */
    int32_t *pattern;   /* per node: index of the pattern ending there, -1 = none */
    int32_t n_nodes;
    Py_ssize_t n_patterns;
    int overlapping;    /* find(): every match, or leftmost-longest non-overlapping ones */
    int init_called;    /* __init__ runs once: a second call, even from Python code the first
                         * runs (an argument's __index__), would leak what the first set */
} TrieObject;

static inline int32_t trie_child(const TrieObject *t, int32_t node, Py_UCS4 cp) {
    if (node == 0 && cp < ROOT_DENSE)
        return (t->root_bits[cp >> 6] >> (cp & 63)) & 1 ? t->root[cp] : 0;
    uint64_t key = (((uint64_t)node << 21) | (uint64_t)cp) + 1;
    size_t i = (size_t)mix64(key) & t->mask;
    for (;;) {
        uint64_t k = t->keys[i];
        if (k == key)
            return t->vals[i];
        if (k == 0)
            return 0;
        i = (i + 1) & t->mask;
    }
}

static void trie_set(TrieObject *t, int32_t node, Py_UCS4 cp, int32_t child) {
    if (node == 0 && cp < ROOT_DENSE) {
        t->root[cp] = child;
        t->root_bits[cp >> 6] |= (uint64_t)1 << (cp & 63);
        return;
    }
    uint64_t key = (((uint64_t)node << 21) | (uint64_t)cp) + 1;
    size_t i = (size_t)mix64(key) & t->mask;
    while (t->keys[i] != 0 && t->keys[i] != key)
        i = (i + 1) & t->mask;
    t->keys[i] = key;
    t->vals[i] = child;
}

static void Trie_dealloc(TrieObject *self) {
    PyMem_Free(self->root);
    PyMem_Free(self->root_bits);
    PyMem_Free(self->keys);
    PyMem_Free(self->vals);
    PyMem_Free(self->pattern);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Trie_init(TrieObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"patterns", "overlapping", NULL};
    PyObject *patterns;
    int overlapping = 1;
    if (self->init_called) {
        PyErr_SetString(PyExc_RuntimeError, "a Trie is initialised once");
        return -1;
    }
    self->init_called = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|p", kwlist, &patterns, &overlapping))
        return -1;
    self->overlapping = overlapping;
    PyObject *seq = PySequence_Fast(patterns, "patterns must be a sequence of str");
    if (seq == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    size_t total = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_Check(items[i])) {
            PyErr_SetString(PyExc_TypeError, "patterns must be str");
            Py_DECREF(seq);
            return -1;
        }
        total += (size_t)PyUnicode_GET_LENGTH(items[i]);
    }
    if (total > 0x7fffffff) {
        PyErr_SetString(PyExc_OverflowError, "patterns too long");
        Py_DECREF(seq);
        return -1;
    }
    size_t size = 16;
    while (size < 2 * total)
        size <<= 1;
    self->root = PyMem_Calloc(ROOT_DENSE, sizeof(int32_t));
    self->root_bits = PyMem_Calloc(ROOT_DENSE / 64, sizeof(uint64_t));
    self->keys = PyMem_Calloc(size, sizeof(uint64_t));
    self->vals = PyMem_Calloc(size, sizeof(int32_t));
    self->pattern = PyMem_Malloc((total + 1) * sizeof(int32_t));
    if (!self->root || !self->root_bits || !self->keys || !self->vals || !self->pattern) {
        Py_DECREF(seq);
        PyMem_Free(self->root);
        PyMem_Free(self->root_bits);
        self->root_bits = NULL;
        PyMem_Free(self->keys);
        PyMem_Free(self->vals);
        PyMem_Free(self->pattern);
        self->root = NULL;
        self->keys = NULL;
        self->vals = NULL;
        self->pattern = NULL;
        PyErr_NoMemory();
        return -1;
    }
    self->mask = size - 1;
    self->pattern[0] = -1;
    self->n_nodes = 1;
    self->n_patterns = n;
    for (Py_ssize_t p = 0; p < n; p++) {
        PyObject *s = items[p];
        int kind = PyUnicode_KIND(s);
        const void *data = PyUnicode_DATA(s);
        Py_ssize_t len = PyUnicode_GET_LENGTH(s);
        if (len == 0)
            continue; /* an empty pattern never matches */
        int32_t node = 0;
        for (Py_ssize_t j = 0; j < len; j++) {
            Py_UCS4 cp = PyUnicode_READ(kind, data, j);
            int32_t child = trie_child(self, node, cp);
            if (child == 0) {
                child = self->n_nodes++;
                self->pattern[child] = -1;
                trie_set(self, node, cp, child);
            }
            node = child;
        }
        if (self->pattern[node] < 0)
            self->pattern[node] = (int32_t)p; /* a repeated pattern reports its first index */
    }
    Py_DECREF(seq);
    return 0;
}

/* A growable array of matches, filled by trie_scan. */
typedef struct {
    Py_ssize_t pattern, start, end;
} Match;

typedef struct {
    Match *items;
    size_t n, cap;
} Matches;

/* items with room for one more than n (a growable array of items of size bytes, capacity *cap,
 * doubled when full, first made with room for first): the array, perhaps moved, or NULL with
 * MemoryError (items untouched) */
static void *room_for_one(void *items, size_t n, size_t *cap, size_t size, size_t first) {
    if (n < *cap)
        return items;
    size_t c = *cap ? 2 * *cap : first;
    void *p = PyMem_Realloc(items, c * size);
    if (p == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    *cap = c;
    return p;
}

static int matches_push(Matches *m, Py_ssize_t pattern, Py_ssize_t start, Py_ssize_t end) {
    Match *items = room_for_one(m->items, m->n, &m->cap, sizeof(Match), 16);
    if (items == NULL)
        return -1;
    m->items = items;
    m->items[m->n].pattern = pattern;
    m->items[m->n].start = start;
    m->items[m->n].end = end;
    m->n++;
    return 0;
}

/* The matches of the trie in text from character start on, by start then end: every match, or
 * the leftmost-longest non-overlapping ones. */
static int trie_scan(const TrieObject *self, PyObject *text, Py_ssize_t start, int overlapping, Matches *out) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const int32_t *pattern = self->pattern;
    Py_ssize_t i = start;
    while (i < n) {
        int32_t node = trie_child(self, 0, PyUnicode_READ(kind, data, i));
        if (node == 0) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1, best_end = -1;
        int32_t best = -1;
        for (;;) {
            if (pattern[node] >= 0) {
                if (overlapping) {
                    if (matches_push(out, pattern[node], i, j) < 0)
                        return -1;
                } else {
                    best = pattern[node];
                    best_end = j;
                }
            }
            if (j >= n)
                break;
            node = trie_child(self, node, PyUnicode_READ(kind, data, j));
            if (node == 0)
                break;
            j++;
        }
        if (!overlapping && best >= 0) {
            if (matches_push(out, best, i, best_end) < 0)
                return -1;
            i = best_end;
        } else {
            i++;
        }
    }
    return 0;
}

/* find(text): [(pattern index, start, end)] ordered by start, then end. */
static PyObject *Trie_find(TrieObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be str");
        return NULL;
    }
    if (self->root == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Trie not initialised");
        return NULL;
    }
    Matches found = {NULL, 0, 0};
    PyObject *out = NULL;
    if (trie_scan(self, text, 0, self->overlapping, &found) < 0)
        goto done;
    out = PyList_New((Py_ssize_t)found.n);
    if (out == NULL)
        goto done;
    for (size_t k = 0; k < found.n; k++) {
        PyObject *t = Py_BuildValue("(nnn)", found.items[k].pattern, found.items[k].start, found.items[k].end);
        if (t == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)k, t);
    }
done:
    PyMem_Free(found.items);
    return out;
}

static PyMethodDef Trie_methods[] = {
    {"find", (PyCFunction)Trie_find, METH_O,
     "find(text) -> [(pattern_index, start, end)], by start then end: every match, or with "
     "overlapping=False the leftmost-longest non-overlapping ones"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TrieType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pipeline._cengine.Trie",
    .tp_basicsize = sizeof(TrieObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Trie(patterns, overlapping=True): literal string matching over code points",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Trie_init,
    .tp_dealloc = (destructor)Trie_dealloc,
    .tp_methods = Trie_methods,
};

/* ------------------------------------------------------------------ (word, tag) pairs */

/* The (word, tag) of a pair: a tuple or list of two str (borrowed references). */
static int pair_items(PyObject *pair, PyObject **word, PyObject **tag) {
    if (PyTuple_Check(pair) && PyTuple_GET_SIZE(pair) == 2) {
        *word = PyTuple_GET_ITEM(pair, 0);
        *tag = PyTuple_GET_ITEM(pair, 1);
    } else if (PyList_Check(pair) && PyList_GET_SIZE(pair) == 2) {
        *word = PyList_GET_ITEM(pair, 0);
        *tag = PyList_GET_ITEM(pair, 1);
    } else {
        PyErr_SetString(PyExc_TypeError, "pairs must hold (word, tag) pairs");
        return -1;
    }
    if (!PyUnicode_Check(*word) || !PyUnicode_Check(*tag)) {
        PyErr_SetString(PyExc_TypeError, "pairs must hold (word, tag) pairs of str");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ records */

/* The engine's results are the package's records (types.TermHit, types.Mention): frozen
 * dataclasses. Made here as cls(*values) makes them, less the generated __init__'s Python
 * frame: object.__new__(cls), then object.__setattr__ per field (the frozen class's own
 * __setattr__ refuses), the given values then the trailing fields' defaults. extract.py hands
 * over only records without __post_init__ or default factories. */

typedef struct {
    PyObject *cls;      /* a type */
    PyObject *names;    /* tuple of str: its fields */
    PyObject *defaults; /* tuple: the defaults of the fields after the given ones */
} Record;

/* record_init(&r, spec, n_given): spec = (cls, names, defaults); 0, or -1 with an error */
static int record_init(Record *r, PyObject *spec, Py_ssize_t n_given) {
    PyObject *cls, *names, *defaults;
    if (!PyTuple_Check(spec)) {
        PyErr_SetString(PyExc_TypeError, "record must be (class, field names, defaults)");
        return -1;
    }
    if (!PyArg_ParseTuple(spec, "O!O!O!;record must be (class, field names, defaults)", &PyType_Type, &cls,
                          &PyTuple_Type, &names, &PyTuple_Type, &defaults))
        return -1;
    if (((PyTypeObject *)cls)->tp_new == NULL) {
        PyErr_SetString(PyExc_TypeError, "the record class cannot be instantiated");
        return -1;
    }
    if (PyTuple_GET_SIZE(names) != n_given + PyTuple_GET_SIZE(defaults)) {
        PyErr_Format(PyExc_ValueError, "a record takes %zd values and the defaults of the fields after them", n_given);
        return -1;
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(names); k++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(names, k))) {
            PyErr_SetString(PyExc_TypeError, "field names must be str");
            return -1;
        }
    }
    Py_INCREF(cls);
    Py_INCREF(names);
    Py_INCREF(defaults);
    r->cls = cls;
    r->names = names;
    r->defaults = defaults;
    return 0;
}

static void record_clear(Record *r) {
    Py_CLEAR(r->cls);
    Py_CLEAR(r->names);
    Py_CLEAR(r->defaults);
}

static PyObject *new_record(const Record *r, PyObject *const *values) {
    PyTypeObject *cls = (PyTypeObject *)r->cls;
    PyObject *empty = PyTuple_New(0);
    if (empty == NULL)
        return NULL;
    PyObject *obj = cls->tp_new(cls, empty, NULL);
    Py_DECREF(empty);
    if (obj == NULL)
        return NULL;
    Py_ssize_t n_names = PyTuple_GET_SIZE(r->names), n_given = n_names - PyTuple_GET_SIZE(r->defaults);
    for (Py_ssize_t k = 0; k < n_names; k++) {
        PyObject *v = k < n_given ? values[k] : PyTuple_GET_ITEM(r->defaults, k - n_given);
        if (PyObject_GenericSetAttr(obj, PyTuple_GET_ITEM(r->names, k), v) < 0) {
            Py_DECREF(obj);
            return NULL;
        }
    }
    return obj;
}

/* ------------------------------------------------------------------ TermCore */

/* extract.TermMatcher._find in C: every match of the framework's strings, each counted in the
 * dimensions where it is a term or an exclusion; per dimension, with the nesting rule
 * "longest", a match inside an earlier, longer one of its dimension is out (an exclusion hides
 * what it covers and is dropped itself). */

typedef struct {
    PyObject_HEAD
    TrieObject *trie;    /* every match */
    PyObject *roles;     /* tuple per pattern: ((dimension index, fields or None), ...) */
    Py_ssize_t *first;   /* per pattern: its first role in the flat arrays; first[n] = their size */
    int32_t *dim;        /* per role: dimension index */
    PyObject **fields;   /* per role: (dimension, category, term, weight), NULL for an exclusion; borrowed from roles */
    int n_dims;
    int longest;
    Record record;       /* the hits' class */
    int init_called;     /* __init__ runs once (see TrieObject) */
} TermCoreObject;

typedef struct {
    Py_ssize_t start, end;
    int32_t dim;
    PyObject *fields;
} TermItem;

static void TermCore_dealloc(TermCoreObject *self) {
    Py_XDECREF(self->trie);
    Py_XDECREF(self->roles);
    PyMem_Free(self->first);
    PyMem_Free(self->dim);
    PyMem_Free(self->fields);
    record_clear(&self->record);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* TermCore(trie, roles, n_dims, longest, record): record = (class, field names, defaults) of
 * the hits, made of a role's four fields, start and end */
static int TermCore_init(TermCoreObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"trie", "roles", "n_dims", "longest", "record", NULL};
    PyObject *trie, *roles, *record;
    int n_dims, longest;
    if (self->init_called) {
        PyErr_SetString(PyExc_RuntimeError, "a TermCore is initialised once");
        return -1;
    }
    self->init_called = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!OipO", kwlist, &TrieType, &trie, &roles, &n_dims, &longest,
                                     &record))
        return -1;
    if (((TrieObject *)trie)->root == NULL || !((TrieObject *)trie)->overlapping) {
        PyErr_SetString(PyExc_ValueError, "trie must be an initialised Trie of every match");
        return -1;
    }
    PyObject *tuple = PySequence_Tuple(roles);
    if (tuple == NULL)
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(tuple), total = 0;
    if (n != ((TrieObject *)trie)->n_patterns || n_dims < 0) {
        PyErr_SetString(PyExc_ValueError, "roles and the trie's patterns must be as many");
        Py_DECREF(tuple);
        return -1;
    }
    for (Py_ssize_t p = 0; p < n; p++) {
        PyObject *r = PyTuple_GET_ITEM(tuple, p);
        if (!PyTuple_Check(r)) {
            PyErr_SetString(PyExc_TypeError, "roles must hold tuples");
            Py_DECREF(tuple);
            return -1;
        }
        total += PyTuple_GET_SIZE(r);
    }
    Py_ssize_t *first = PyMem_Malloc(((size_t)n + 1) * sizeof(Py_ssize_t));
    int32_t *dim = PyMem_Malloc(((size_t)total + 1) * sizeof(int32_t));
    PyObject **fields = PyMem_Malloc(((size_t)total + 1) * sizeof(PyObject *));
    if (!first || !dim || !fields) {
        PyErr_NoMemory();
        goto fail;
    }
    Py_ssize_t k = 0;
    for (Py_ssize_t p = 0; p < n; p++) {
        PyObject *r = PyTuple_GET_ITEM(tuple, p);
        first[p] = k;
        for (Py_ssize_t q = 0; q < PyTuple_GET_SIZE(r); q++, k++) {
            PyObject *role = PyTuple_GET_ITEM(r, q), *f;
            int d;
            if (!PyTuple_Check(role)) {
                PyErr_SetString(PyExc_TypeError, "a role must be (dimension index, fields)");
                goto fail;
            }
            if (!PyArg_ParseTuple(role, "iO", &d, &f))
                goto fail;
            if (d < 0 || d >= n_dims) {
                PyErr_SetString(PyExc_ValueError, "a role's dimension index is out of range");
                goto fail;
            }
            if (f != Py_None && (!PyTuple_Check(f) || PyTuple_GET_SIZE(f) != 4)) {
                PyErr_SetString(PyExc_TypeError, "a role's fields must be a tuple of four or None");
                goto fail;
            }
            dim[k] = d;
            fields[k] = f == Py_None ? NULL : f;
        }
    }
    first[n] = k;
    if (record_init(&self->record, record, 6) < 0)
        goto fail;
    Py_INCREF(trie);
    self->trie = (TrieObject *)trie;
    self->roles = tuple;
    self->first = first;
    self->dim = dim;
    self->fields = fields;
    self->n_dims = n_dims;
    self->longest = longest;
    return 0;
fail:
    Py_DECREF(tuple);
    PyMem_Free(first);
    PyMem_Free(dim);
    PyMem_Free(fields);
    return -1;
}

static int nesting_cmp(const void *pa, const void *pb) { /* start, then longest first, then dimension */
    const TermItem *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end > b->end ? -1 : 1;
    return (a->dim > b->dim) - (a->dim < b->dim);
}

static int position_cmp(const void *pa, const void *pb) { /* start, end, dimension */
    const TermItem *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return (a->dim > b->dim) - (a->dim < b->dim);
}

/* find(text) -> [record(*fields, start, end)] by position, then dimension. */
static PyObject *TermCore_find(TermCoreObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be str");
        return NULL;
    }
    if (self->roles == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "TermCore not initialised");
        return NULL;
    }
    Matches found = {NULL, 0, 0};
    TermItem *items = NULL;
    Py_ssize_t *last_end = NULL;
    PyObject *out = NULL;
    if (trie_scan(self->trie, text, 0, 1, &found) < 0)
        goto done;
    size_t n_items = 0;
    for (size_t k = 0; k < found.n; k++)
        n_items += (size_t)(self->first[found.items[k].pattern + 1] - self->first[found.items[k].pattern]);
    items = PyMem_Malloc((n_items + 1) * sizeof(TermItem));
    last_end = PyMem_Malloc(((size_t)self->n_dims + 1) * sizeof(Py_ssize_t));
    if (!items || !last_end) {
        PyErr_NoMemory();
        goto done;
    }
    size_t m = 0;
    for (size_t k = 0; k < found.n; k++) {
        Match mt = found.items[k];
        for (Py_ssize_t q = self->first[mt.pattern]; q < self->first[mt.pattern + 1]; q++) {
            items[m].start = mt.start;
            items[m].end = mt.end;
            items[m].dim = self->dim[q];
            items[m].fields = self->fields[q];
            m++;
        }
    }
    qsort(items, m, sizeof(TermItem), nesting_cmp);
    for (int d = 0; d < self->n_dims; d++)
        last_end[d] = -1;
    size_t kept = 0;
    for (size_t k = 0; k < m; k++) {
        TermItem it = items[k];
        if (self->longest) {
            if (it.start < last_end[it.dim])
                continue;
            last_end[it.dim] = it.end;
        }
        if (it.fields != NULL)
            items[kept++] = it;
    }
    qsort(items, kept, sizeof(TermItem), position_cmp);
    out = PyList_New((Py_ssize_t)kept);
    if (out == NULL)
        goto done;
    for (size_t k = 0; k < kept; k++) {
        PyObject *fields = items[k].fields, *values[6];
        for (Py_ssize_t f = 0; f < 4; f++)
            values[f] = PyTuple_GET_ITEM(fields, f);
        values[4] = PyLong_FromSsize_t(items[k].start);
        values[5] = PyLong_FromSsize_t(items[k].end);
        PyObject *hit = values[4] && values[5] ? new_record(&self->record, values) : NULL;
        Py_XDECREF(values[4]);
        Py_XDECREF(values[5]);
        if (hit == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)k, hit);
    }
done:
    PyMem_Free(found.items);
    PyMem_Free(items);
    PyMem_Free(last_end);
    return out;
}

static PyMethodDef TermCore_methods[] = {
    {"find", (PyCFunction)TermCore_find, METH_O,
     "find(text) -> [hit]: the term hits of TermMatcher._find, by position then dimension"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TermCoreType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pipeline._cengine.TermCore",
    .tp_basicsize = sizeof(TermCoreObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "TermCore(trie, roles, n_dims, longest, record): framework term hits with the nesting rule",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)TermCore_init,
    .tp_dealloc = (destructor)TermCore_dealloc,
    .tp_methods = TermCore_methods,
};

/* ------------------------------------------------------------------ ActorCore */

/* extract.ActorMatcher._find in C, from the automaton's matches to the mentions: matches that
 * cut across words (_straddles, _after_cut), the speaker's own body (_after_own), names taken
 * in on the left (_extend_left), list-only words (_whole_word, _with_listed, _item_ends),
 * adjacent mentions of one type joined, mentions that qualify people (_names_people,
 * _people_after_nouns) and role words (_role). Each helper below is the twin of the Python
 * function of the same name; the word lists are the Python module's sets, passed in. */

enum { ENTRY_VALID = 1, ENTRY_EXTENDABLE = 2, ENTRY_NEEDS_NAME = 4, ENTRY_LIST_ONLY = 8 };
enum { S_NAME_POS, S_GLUED_NOUN_POS, S_NOUN_POS, S_QUALIFIERS, S_BREAK_WORDS, S_LEVEL_WORDS, S_LEVEL_DELIMS,
       S_LIST_DELIMS, S_COMMON_SUFFIX_WORDS, S_PERSON_NOUNS, S_ASPECT_PARTICLES, S_MODIFIER_POS, N_SETS };
enum { C_DELIMS, C_PREPOSITIONS, C_LEVELS, C_FUNCTION_POS, N_CHARS };
#define MAX_NAME 40

typedef struct {
    PyObject_HEAD
    TrieObject *trie;        /* leftmost-longest over the entries' strings */
    Py_ssize_t n_patterns;
    int32_t *flags;          /* per pattern: ENTRY_* bits */
    int32_t *name_len;       /* per pattern: length of the entry's name */
    int32_t *group;          /* per pattern: id of its single type, -1 for several */
    PyObject *info;          /* tuple per pattern: None or (flags, name, types, group) */
    PyObject *entry_index;   /* dict: string -> pattern index, entries only */
    PyObject *sets[N_SETS];
    PyObject *chars[N_CHARS]; /* str: sets of characters */
    TrieObject *person_trie; /* person nouns */
    TrieObject *role_trie;   /* role words */
    PyObject *roles;         /* tuple: the role_trie's patterns */
    PyObject *gaps;          /* tuple of str: what may stand between a mention and its role word, "" first */
    PyObject *tagger;        /* text -> (word, tag) pairs, when none are given */
    Record record;           /* the mentions' class */
    int init_called;         /* __init__ runs once (see TrieObject) */
} ActorCoreObject;

typedef struct {
    Py_ssize_t n;
    Py_ssize_t *starts, *ends;
    PyObject **words, **tags; /* references held: a list pair may drop its items while Python
                               * code runs (a str subclass's __hash__) */
    Py_ssize_t held;          /* how many words and tags are held */
} Tokens;

typedef struct {
    Py_ssize_t start, end, pattern;
    int joined, merged; /* merged: a mention, not a list-only word (in _with_listed) */
} Span;

static void ActorCore_dealloc(ActorCoreObject *self) {
    Py_XDECREF(self->trie);
    PyMem_Free(self->flags);
    PyMem_Free(self->name_len);
    PyMem_Free(self->group);
    Py_XDECREF(self->info);
    Py_XDECREF(self->entry_index);
    for (int k = 0; k < N_SETS; k++)
        Py_XDECREF(self->sets[k]);
    for (int k = 0; k < N_CHARS; k++)
        Py_XDECREF(self->chars[k]);
    Py_XDECREF(self->person_trie);
    Py_XDECREF(self->role_trie);
    Py_XDECREF(self->roles);
    Py_XDECREF(self->gaps);
    Py_XDECREF(self->tagger);
    record_clear(&self->record);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int initialised_trie(PyObject *trie, int overlapping, const char *what) {
    if (((TrieObject *)trie)->root == NULL || (overlapping >= 0 && ((TrieObject *)trie)->overlapping != overlapping)) {
        PyErr_Format(PyExc_ValueError, "%s must be an initialised Trie%s", what,
                     overlapping == 0 ? " of leftmost-longest matches" : "");
        return 0;
    }
    return 1;
}

/* a tuple of n objects that pass check (a new reference), or NULL with an error */
static PyObject *tuple_of(PyObject *seq, Py_ssize_t n, int (*check)(PyObject *), const char *what) {
    PyObject *t = PySequence_Tuple(seq);
    if (t == NULL)
        return NULL;
    if (n >= 0 && PyTuple_GET_SIZE(t) != n) {
        PyErr_Format(PyExc_ValueError, "%s must hold %zd items", what, n);
        Py_DECREF(t);
        return NULL;
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(t); k++) {
        if (!check(PyTuple_GET_ITEM(t, k))) {
            PyErr_Format(PyExc_TypeError, "%s holds an item of the wrong type", what);
            Py_DECREF(t);
            return NULL;
        }
    }
    return t;
}

static int is_set(PyObject *o) { return PyAnySet_Check(o); }
static int is_str(PyObject *o) { return PyUnicode_Check(o); }
static int is_any(PyObject *o) { return o != NULL; }

/* ActorCore(trie, info, entry_index, sets, chars, person_trie, role_trie, roles, gaps, tagger,
 * record): info per pattern of trie None or (flags, name, types, group); sets and chars in the
 * order of the enums above; record = (class, field names, defaults) of the mentions, made of
 * surface, type, start, end, name and role. */
static int ActorCore_init(ActorCoreObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"trie", "info", "entry_index", "sets", "chars", "person_trie", "role_trie", "roles", "gaps",
                             "tagger", "record", NULL};
    PyObject *trie, *info, *entry_index, *sets, *chars, *person_trie, *role_trie, *roles, *gaps, *tagger, *record;
    PyObject *info_t = NULL, *sets_t = NULL, *chars_t = NULL, *roles_t = NULL, *gaps_t = NULL;
    int32_t *flags = NULL, *name_len = NULL, *group = NULL;
    if (self->init_called) {
        PyErr_SetString(PyExc_RuntimeError, "an ActorCore is initialised once");
        return -1;
    }
    self->init_called = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!OO!OOO!O!OOOO", kwlist, &TrieType, &trie, &info, &PyDict_Type,
                                     &entry_index, &sets, &chars, &TrieType, &person_trie, &TrieType, &role_trie, &roles,
                                     &gaps, &tagger, &record))
        return -1;
    if (!initialised_trie(trie, 0, "trie") || !initialised_trie(person_trie, -1, "person_trie") ||
        !initialised_trie(role_trie, -1, "role_trie"))
        return -1;
    Py_ssize_t n = ((TrieObject *)trie)->n_patterns;
    if (!(info_t = tuple_of(info, n, is_any, "info")) || !(sets_t = tuple_of(sets, N_SETS, is_set, "sets")) ||
        !(chars_t = tuple_of(chars, N_CHARS, is_str, "chars")) ||
        !(roles_t = tuple_of(roles, ((TrieObject *)role_trie)->n_patterns, is_str, "roles")) ||
        !(gaps_t = tuple_of(gaps, -1, is_str, "gaps")))
        goto fail;
    if (PyTuple_GET_SIZE(gaps_t) == 0 || PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(gaps_t, 0)) != 0) {
        PyErr_SetString(PyExc_ValueError, "gaps must begin with the empty gap");
        goto fail;
    }
    flags = PyMem_Calloc((size_t)n + 1, sizeof(int32_t));
    name_len = PyMem_Calloc((size_t)n + 1, sizeof(int32_t));
    group = PyMem_Calloc((size_t)n + 1, sizeof(int32_t));
    if (!flags || !name_len || !group) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *item = PyTuple_GET_ITEM(info_t, k), *name, *types;
        int f, g;
        if (item == Py_None)
            continue;
        if (!PyTuple_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "info must hold None or (flags, name, types, group)");
            goto fail;
        }
        if (!PyArg_ParseTuple(item, "iUO!i", &f, &name, &PyTuple_Type, &types, &g))
            goto fail;
        for (Py_ssize_t q = 0; q < PyTuple_GET_SIZE(types); q++) {
            if (!PyUnicode_Check(PyTuple_GET_ITEM(types, q))) {
                PyErr_SetString(PyExc_TypeError, "types must be str");
                goto fail;
            }
        }
        flags[k] = f | ENTRY_VALID;
        name_len[k] = (int32_t)PyUnicode_GET_LENGTH(name);
        group[k] = g;
    }
    if (record_init(&self->record, record, 6) < 0)
        goto fail;
    self->n_patterns = n;
    Py_INCREF(trie);
    self->trie = (TrieObject *)trie;
    self->flags = flags;
    self->name_len = name_len;
    self->group = group;
    self->info = info_t;
    Py_INCREF(entry_index);
    self->entry_index = entry_index;
    for (int k = 0; k < N_SETS; k++) {
        self->sets[k] = PyTuple_GET_ITEM(sets_t, k);
        Py_INCREF(self->sets[k]);
    }
    for (int k = 0; k < N_CHARS; k++) {
        self->chars[k] = PyTuple_GET_ITEM(chars_t, k);
        Py_INCREF(self->chars[k]);
    }
    Py_INCREF(person_trie);
    self->person_trie = (TrieObject *)person_trie;
    Py_INCREF(role_trie);
    self->role_trie = (TrieObject *)role_trie;
    self->roles = roles_t;
    self->gaps = gaps_t;
    Py_INCREF(tagger);
    self->tagger = tagger;
    Py_DECREF(sets_t);
    Py_DECREF(chars_t);
    return 0;
fail:
    Py_XDECREF(info_t);
    Py_XDECREF(sets_t);
    Py_XDECREF(chars_t);
    Py_XDECREF(roles_t);
    Py_XDECREF(gaps_t);
    PyMem_Free(flags);
    PyMem_Free(name_len);
    PyMem_Free(group);
    return -1;
}

static inline int has_char(PyObject *chars, Py_UCS4 ch) {
    return PyUnicode_FindChar(chars, ch, 0, PyUnicode_GET_LENGTH(chars), 1) >= 0;
}

/* word in set: 1, 0, or -1 on error (a str's hash never fails, a tag's may) */
static inline int in_set(ActorCoreObject *self, int k, PyObject *word) {
    return PySet_Contains(self->sets[k], word);
}

static inline int tag_is(PyObject *tag, const char *s) {
    return PyUnicode_Check(tag) && PyUnicode_CompareWithASCIIString(tag, s) == 0;
}

/* text[start:end] in set k (Python's slice: empty when end <= start) */
static int slice_in_set(ActorCoreObject *self, int k, PyObject *text, Py_ssize_t start, Py_ssize_t end) {
    PyObject *sub = PyUnicode_Substring(text, start, end > start ? end : start);
    if (sub == NULL)
        return -1;
    int r = in_set(self, k, sub);
    Py_DECREF(sub);
    return r;
}

/* index of the longest pattern of trie that starts at pos and ends at or before limit, or -1;
 * its end into *end when end is not NULL */
static int32_t longest_at(const TrieObject *t, PyObject *text, Py_ssize_t pos, Py_ssize_t limit, Py_ssize_t *end) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int32_t best = -1, node = 0;
    for (Py_ssize_t j = pos; j < limit; j++) {
        node = trie_child(t, node, PyUnicode_READ(kind, data, j));
        if (node == 0)
            break;
        if (t->pattern[node] >= 0) {
            best = t->pattern[node];
            if (end != NULL)
                *end = j + 1;
        }
    }
    return best;
}

/* _token_at: index of the token holding character pos (-1 when there are no tokens). */
static Py_ssize_t token_at(const Tokens *t, Py_ssize_t pos) {
    Py_ssize_t lo = 0, hi = t->n;
    while (lo < hi) { /* bisect_right(ends, pos) */
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (pos < t->ends[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo < t->n - 1 ? lo : t->n - 1;
}

/* _glued_level: 向市, 报省 */
static int glued_level(ActorCoreObject *self, PyObject *word) {
    if (!PyUnicode_Check(word) || PyUnicode_GET_LENGTH(word) != 2)
        return 0;
    return has_char(self->chars[C_PREPOSITIONS], PyUnicode_READ_CHAR(word, 0)) &&
           has_char(self->chars[C_LEVELS], PyUnicode_READ_CHAR(word, 1));
}

static int straddles(ActorCoreObject *self, const Tokens *t, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t i = token_at(t, start);
    if (i < 0 || t->starts[i] == start)
        return 0;
    if (t->ends[i] < end)
        return 1;
    if (end - start != 1 || t->ends[i] != end)
        return 0;
    PyObject *word = t->words[i];
    Py_ssize_t len = PyUnicode_GET_LENGTH(word);
    PyObject *last2 = PyUnicode_Substring(word, len > 2 ? len - 2 : 0, len);
    if (last2 == NULL)
        return -1;
    int common = in_set(self, S_COMMON_SUFFIX_WORDS, last2);
    Py_DECREF(last2);
    if (common != 0)
        return common;
    if (end - t->starts[i] != 2)
        return 0;
    int name = in_set(self, S_NAME_POS, t->tags[i]);
    return name < 0 ? -1 : !name;
}

/* _after_cut: 1 and *span set to the longest entry starting at a token boundary inside the
 * span and ending where it ends, 0 if none, -1 on error. */
static int after_cut(ActorCoreObject *self, const Tokens *t, PyObject *text, Span *span) {
    Py_ssize_t i = token_at(t, span->start);
    while (i + 1 < t->n && t->ends[i] < span->end - 1) {
        i++;
        PyObject *sub = PyUnicode_Substring(text, t->starts[i], span->end);
        if (sub == NULL)
            return -1;
        PyObject *idx = PyDict_GetItemWithError(self->entry_index, sub);
        Py_DECREF(sub);
        if (idx == NULL) {
            if (PyErr_Occurred())
                return -1;
            continue;
        }
        Py_ssize_t pattern = PyLong_AsSsize_t(idx);
        if (pattern < 0 || pattern >= self->n_patterns || !(self->flags[pattern] & ENTRY_VALID)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "entry_index holds an index of no entry");
            return -1;
        }
        span->start = t->starts[i];
        span->pattern = pattern;
        return 1;
    }
    return 0;
}

static int after_own(const Tokens *t, PyObject *text, Py_ssize_t start) {
    if (start == 0 || start > PyUnicode_GET_LENGTH(text) || PyUnicode_READ_CHAR(text, start - 1) != 0x672C) /* 本 */
        return 0;
    Py_ssize_t i = token_at(t, start - 1);
    return i >= 0 && t->ends[i] == start && tag_is(t->tags[i], "r");
}

static int whole_word(const Tokens *t, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t i = token_at(t, start);
    if (i < 0 || t->starts[i] != start)
        return 0;
    return t->ends[token_at(t, end - 1)] == end;
}

/* _extend_left: the start of the name ending in [start, end) into *best_out, whether one was
 * found into *anchored_out; -1 on error. */
static int extend_left(ActorCoreObject *self, const Tokens *t, Py_ssize_t start, Py_ssize_t end, int nouns_anchor,
                       Py_ssize_t *best_out, int *anchored_out) {
    Py_ssize_t i = token_at(t, start);
    *best_out = start;
    *anchored_out = 0;
    if (i < 0)
        return 0;
    Py_ssize_t best = start, pending = -1; /* -1: None */
    int anchored = 0, after_delim = 0, r;
    if (t->starts[i] < start) {
        if (t->ends[i] != end)
            return 0;
        best = t->starts[i];
        if ((r = in_set(self, S_NAME_POS, t->tags[i])) < 0)
            return -1;
        anchored = r;
        if (!anchored && nouns_anchor) {
            if ((r = in_set(self, S_GLUED_NOUN_POS, t->tags[i])) < 0)
                return -1;
            anchored = r;
        }
    }
    Py_ssize_t j = i - 1;
    while (j >= 0 && start - t->starts[j] <= MAX_NAME) {
        Py_ssize_t s = t->starts[j], e = t->ends[j];
        PyObject *tag = t->tags[j], *word = t->words[j];
        if ((r = in_set(self, S_BREAK_WORDS, word)) != 0) {
            if (r < 0)
                return -1;
            break;
        }
        int name_like = 0, level_word;
        if ((level_word = in_set(self, S_LEVEL_WORDS, word)) < 0)
            return -1;
        if (e - s >= 2) {
            if ((r = in_set(self, S_NAME_POS, tag)) < 0)
                return -1;
            name_like = r;
        }
        if (!name_like && e - s == 1 && PyUnicode_GET_LENGTH(word) == 1)
            name_like = has_char(self->chars[C_LEVELS], PyUnicode_READ_CHAR(word, 0));
        if (name_like || level_word) {
            best = s;
            anchored = 1;
            pending = -1;
            if (level_word && j >= 2) {
                if ((r = in_set(self, S_LEVEL_DELIMS, t->words[j - 1])) < 0)
                    return -1;
                if (r) { /* 省、自治区、直辖市 + 人民政府: levels listed before one head */
                    PyObject *before = t->words[j - 2];
                    if ((r = in_set(self, S_LEVEL_WORDS, before)) < 0)
                        return -1;
                    if (r) {
                        j -= 2;
                        continue;
                    }
                    if (glued_level(self, before)) {
                        best = t->ends[j - 2] - 1;
                        break;
                    }
                }
            }
            after_delim = 0;
            j--;
            continue;
        }
        if (e == best && pending < 0) {
            if ((r = in_set(self, S_QUALIFIERS, word)) < 0)
                return -1;
            if (r || tag_is(tag, "b")) {
                best = s;
                after_delim = 0;
                j--;
                continue;
            }
        }
        if (e == best && glued_level(self, word)) {
            best = e - 1;
            anchored = 1;
            break;
        }
        if ((r = in_set(self, S_NOUN_POS, tag)) < 0)
            return -1;
        if (r || (after_delim && tag_is(tag, "v") && e - s <= 2) || (nouns_anchor && tag_is(tag, "l"))) {
            if (pending < 0)
                pending = best;
            best = s;
            if (nouns_anchor) {
                anchored = 1;
                pending = -1;
            }
            after_delim = 0;
            j--;
            continue;
        }
        if (nouns_anchor && j > 0) { /* 科技、财政、审计等部门 */
            if ((r = in_set(self, S_LIST_DELIMS, word)) < 0)
                return -1;
            PyObject *prev_tag = t->tags[j - 1];
            if (r && (tag_is(prev_tag, "n") || tag_is(prev_tag, "vn") || tag_is(prev_tag, "v"))) {
                Py_ssize_t glued = PyUnicode_Tailmatch(t->words[j - 1], t->words[i], 0, PY_SSIZE_T_MAX, 1);
                if (glued < 0)
                    return -1;
                if (!glued) {
                    after_delim = 1;
                    j--;
                    continue;
                }
            }
        }
        break;
    }
    if (pending >= 0)
        best = pending;
    *best_out = best;
    *anchored_out = anchored;
    return 0;
}

typedef struct {
    Span *items;
    size_t n, cap;
} Spans;

static int spans_push(Spans *s, Span span) {
    Span *items = room_for_one(s->items, s->n, &s->cap, sizeof(Span), 16);
    if (items == NULL)
        return -1;
    s->items = items;
    s->items[s->n++] = span;
    return 0;
}

/* _item_ends: whether a list item ends at end (starts: the items' starts) */
static int item_ends(ActorCoreObject *self, const Tokens *t, PyObject *text, Py_ssize_t end, const Spans *items) {
    if (end >= PyUnicode_GET_LENGTH(text))
        return 1;
    Py_UCS4 ch = PyUnicode_READ_CHAR(text, end);
    if (has_char(self->chars[C_DELIMS], ch) || ch == 0x7684 /* 的 */ || !Py_UNICODE_ISALNUM(ch))
        return 1;
    for (size_t k = 0; k < items->n; k++)
        if (items->items[k].start == end)
            return 0;
    Py_ssize_t j = token_at(t, end - 1) + 1;
    if (j >= t->n)
        return 1;
    PyObject *tag = t->tags[j];
    return PyUnicode_Check(tag) && PyUnicode_GET_LENGTH(tag) > 0 &&
           has_char(self->chars[C_FUNCTION_POS], PyUnicode_READ_CHAR(tag, 0));
}

static int item_cmp(const void *pa, const void *pb) { /* start, end, list-only words first, then as given */
    const Span *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    if (a->merged != b->merged)
        return a->merged - b->merged;
    return (a->pattern > b->pattern) - (a->pattern < b->pattern);
}

/* _with_listed: the mentions plus the list-only words that are items of a list of actors, by
 * start, into *out; -1 on error. */
static int with_listed(ActorCoreObject *self, const Tokens *t, PyObject *text, const Spans *merged, const Spans *listed,
                       Spans *out) {
    Spans items = {NULL, 0, 0};
    int rc = -1;
    for (size_t k = 0; k < merged->n; k++) {
        Span sp = merged->items[k];
        sp.merged = 1;
        if (spans_push(&items, sp) < 0)
            goto done;
    }
    for (size_t k = 0; k < listed->n; k++) {
        Span sp = listed->items[k];
        int inside = 0; /* a word taken into a longer name is no item of its own */
        for (size_t q = 0; q < merged->n && !inside; q++)
            inside = merged->items[q].start < sp.end && sp.start < merged->items[q].end;
        if (inside)
            continue;
        sp.merged = 0;
        sp.joined = 0;
        if (spans_push(&items, sp) < 0)
            goto done;
    }
    qsort(items.items, items.n, sizeof(Span), item_cmp);
    for (size_t k = 0; k < items.n; k++) {
        Span it = items.items[k];
        int keep = 1;
        if (!it.merged) {
            keep = item_ends(self, t, text, it.end, &items);
            if (keep) {
                int prev_ok = 0, next_ok = 0;
                if (k > 0) {
                    Py_ssize_t a = items.items[k - 1].end, b = it.start;
                    if ((prev_ok = slice_in_set(self, S_LIST_DELIMS, text, a, b)) < 0)
                        goto done;
                    /* after 等 comes the category of the list, not another item */
                    if (prev_ok && b - a == 1 && PyUnicode_READ_CHAR(text, a) == 0x7B49 /* 等 */)
                        prev_ok = 0;
                }
                if (k + 1 < items.n && (next_ok = slice_in_set(self, S_LIST_DELIMS, text, it.end, items.items[k + 1].start)) < 0)
                    goto done;
                keep = prev_ok || next_ok;
            }
        }
        if (keep && spans_push(out, it) < 0)
            goto done;
    }
    rc = 0;
done:
    PyMem_Free(items.items);
    return rc;
}

/* whether some person noun starts at pos and ends at or before limit */
static inline int person_at(ActorCoreObject *self, PyObject *text, Py_ssize_t pos, Py_ssize_t limit) {
    return longest_at(self->person_trie, text, pos, limit, NULL) >= 0;
}

static int people_after_nouns(ActorCoreObject *self, const Tokens *t, PyObject *text, Py_ssize_t end) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), limit = end + 16 < n ? end + 16 : n;
    int near = 0;
    for (Py_ssize_t p = end; p < limit && !near; p++)
        near = person_at(self, text, p, limit);
    if (!near)
        return 0; /* no person noun near: no tokens to read */
    Py_ssize_t i = token_at(t, end - 1);
    if (i < 0 || t->ends[i] != end)
        return 0;
    Py_ssize_t j = i + 1, chars = 0;
    int r;
    while (j < t->n && chars <= 4) {
        PyObject *word = t->words[j], *tag = t->tags[j];
        if (j > i + 1) {
            if ((r = in_set(self, S_PERSON_NOUNS, word)) < 0)
                return -1;
            if (r) { /* 代表了, 代表着: the verb, not the representative */
                if (j + 1 >= t->n)
                    return 1;
                r = in_set(self, S_ASPECT_PARTICLES, t->words[j + 1]);
                return r < 0 ? -1 : !r;
            }
        }
        if ((r = in_set(self, S_MODIFIER_POS, tag)) < 0)
            return -1;
        Py_ssize_t len = PyUnicode_GET_LENGTH(word);
        if (!r || len > 6)
            return 0;
        for (Py_ssize_t k = 1; k <= len; k++) { /* 技术人员: the person noun glued to its modifier */
            PyObject *tail = PyUnicode_Substring(word, len - k, len);
            if (tail == NULL)
                return -1;
            r = in_set(self, S_PERSON_NOUNS, tail);
            Py_DECREF(tail);
            if (r != 0)
                return r;
        }
        chars += len;
        j++;
    }
    return 0;
}

/* _names_people: whether the mention ending at end qualifies people */
static int names_people(ActorCoreObject *self, const Tokens *t, PyObject *text, Py_ssize_t end) {
    if (self->person_trie->n_patterns == 0)
        return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), limit = end + 12 < n ? end + 12 : n;
    if (person_at(self, text, end, limit))
        return 1;
    if (end < n && PyUnicode_READ_CHAR(text, end) == 0x7684) { /* 的, up to four CJK characters, a person noun */
        for (Py_ssize_t k = 0; k <= 4; k++) {
            if (k > 0) {
                if (end + k >= limit)
                    break;
                Py_UCS4 ch = PyUnicode_READ_CHAR(text, end + k);
                if (ch < 0x4E00 || ch > 0x9FFF)
                    break;
            }
            if (person_at(self, text, end + 1 + k, limit))
                return 1;
        }
        return 0;
    }
    return people_after_nouns(self, t, text, end);
}

/* _role: the role word after the mention ending at end, perhaps after a gap word, tried in
 * order (a borrowed reference; the empty gap, "", when there is none) */
static PyObject *role_after(ActorCoreObject *self, PyObject *text, Py_ssize_t end) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), limit = end + 8 < n ? end + 8 : n;
    for (Py_ssize_t g = 0; g < PyTuple_GET_SIZE(self->gaps); g++) {
        PyObject *gap = PyTuple_GET_ITEM(self->gaps, g);
        Py_ssize_t len = PyUnicode_GET_LENGTH(gap);
        if (end + len > limit || (len && PyUnicode_Tailmatch(text, gap, end, end + len, -1) != 1))
            continue;
        int32_t role = longest_at(self->role_trie, text, end + len, limit, NULL);
        if (role >= 0)
            return PyTuple_GET_ITEM(self->roles, role);
    }
    return PyTuple_GET_ITEM(self->gaps, 0);
}

/* a mention (surface, type, start, end, name, role) per type the entry carries, onto out */
static int append_mentions(ActorCoreObject *self, PyObject *text, const Span *sp, PyObject *out) {
    PyObject *info = PyTuple_GET_ITEM(self->info, sp->pattern);
    PyObject *entry_name = PyTuple_GET_ITEM(info, 1), *types = PyTuple_GET_ITEM(info, 2);
    PyObject *role = role_after(self, text, sp->end);
    PyObject *surface = PyUnicode_Substring(text, sp->start, sp->end);
    if (surface == NULL)
        return -1;
    /* a name taken in or joined is the surface; else the entry's name (an alias's normal form) */
    PyObject *name = sp->joined || sp->end - sp->start > self->name_len[sp->pattern] ? surface : entry_name;
    PyObject *start = PyLong_FromSsize_t(sp->start), *end = PyLong_FromSsize_t(sp->end);
    int rc = 0;
    for (Py_ssize_t q = 0; q < PyTuple_GET_SIZE(types) && rc == 0; q++) {
        PyObject *values[6] = {surface, PyTuple_GET_ITEM(types, q), start, end, name, role};
        PyObject *m = start && end ? new_record(&self->record, values) : NULL;
        if (m == NULL || PyList_Append(out, m) < 0)
            rc = -1;
        Py_XDECREF(m);
    }
    Py_DECREF(surface);
    Py_XDECREF(start);
    Py_XDECREF(end);
    return rc;
}

/* _raw_keeps: an exclusion, or an entry that is not a bare list-only word with no list
 * delimiter beside it */
static int raw_keeps(ActorCoreObject *self, PyObject *text, const Span *sp) {
    int f = self->flags[sp->pattern];
    if (!(f & ENTRY_VALID) || !(f & ENTRY_LIST_ONLY) || (f & ENTRY_EXTENDABLE))
        return 1;
    PyObject *delims = self->chars[C_DELIMS];
    return (sp->start > 0 && has_char(delims, PyUnicode_READ_CHAR(text, sp->start - 1))) ||
           (sp->end < PyUnicode_GET_LENGTH(text) && has_char(delims, PyUnicode_READ_CHAR(text, sp->end)));
}

/* _raw: the leftmost-longest matches (entries and exclusions) from character start on, onto raw */
static int collect_raw(ActorCoreObject *self, PyObject *text, Py_ssize_t start, Spans *raw) {
    Matches found = {NULL, 0, 0};
    int rc = trie_scan(self->trie, text, start, 0, &found);
    for (size_t k = 0; k < found.n && rc == 0; k++) {
        Span sp = {found.items[k].start, found.items[k].end, found.items[k].pattern, 0, 0};
        if (raw_keeps(self, text, &sp))
            rc = spans_push(raw, sp);
    }
    PyMem_Free(found.items);
    return rc;
}

/* find(text, pairs) -> [mention]: the mentions of
 * extract.ActorMatcher._find; pairs: the text's (word, tag) pairs, or None to ask the tagger
 * when some entry matches. */
static PyObject *ActorCore_find(ActorCoreObject *self, PyObject *args) {
    PyObject *text, *pairs;
    if (!PyArg_ParseTuple(args, "UO", &text, &pairs))
        return NULL;
    if (self->info == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "ActorCore not initialised");
        return NULL;
    }
    Tokens t = {0, NULL, NULL, NULL, NULL, 0};
    Spans raw = {NULL, 0, 0}, merged = {NULL, 0, 0}, listed = {NULL, 0, 0}, all = {NULL, 0, 0};
    int *people = NULL;
    PyObject *seq = NULL, *out = PyList_New(0);
    if (out == NULL || collect_raw(self, text, 0, &raw) < 0)
        goto error;
    if (raw.n == 0)
        goto done;
    seq = pairs == Py_None ? PyObject_CallOneArg(self->tagger, text) : (Py_INCREF(pairs), pairs);
    if (seq == NULL)
        goto error;
    Py_SETREF(seq, PySequence_Tuple(seq)); /* the caller's list may not change under us */
    if (seq == NULL)
        goto error;
    t.n = PyTuple_GET_SIZE(seq);
    t.starts = PyMem_Malloc(((size_t)t.n + 1) * sizeof(Py_ssize_t));
    t.ends = PyMem_Malloc(((size_t)t.n + 1) * sizeof(Py_ssize_t));
    t.words = PyMem_Malloc(((size_t)t.n + 1) * sizeof(PyObject *));
    t.tags = PyMem_Malloc(((size_t)t.n + 1) * sizeof(PyObject *));
    if (!t.starts || !t.ends || !t.words || !t.tags) {
        PyErr_NoMemory();
        goto error;
    }
    Py_ssize_t offset = 0;
    for (Py_ssize_t k = 0; k < t.n; k++) {
        if (pair_items(PyTuple_GET_ITEM(seq, k), &t.words[k], &t.tags[k]) < 0)
            goto error;
        Py_INCREF(t.words[k]);
        Py_INCREF(t.tags[k]);
        t.held = k + 1;
        t.starts[k] = offset;
        offset += PyUnicode_GET_LENGTH(t.words[k]);
        t.ends[k] = offset;
    }
    /* exclusions, matches that cut across words, and the speaker's own body */
    size_t n_kept = 0;
    for (size_t k = 0; k < raw.n; k++) {
        Span span = raw.items[k];
        if (!(self->flags[span.pattern] & ENTRY_VALID)) {
            /* an exclusion the segmenter keeps inside a longer word starting with it (企业主 of
             * 企业主体) is void: the scan resumes with the longest shorter string at its start */
            Py_ssize_t i = token_at(&t, span.start);
            if (i >= 0 && t.starts[i] == span.start && t.ends[i] > span.end) {
                Py_ssize_t end = 0;
                int32_t shorter = longest_at(self->trie, text, span.start, span.end - 1, &end);
                raw.n = k + 1;
                if (shorter >= 0) {
                    Span sp = {span.start, end, shorter, 0, 0};
                    if (raw_keeps(self, text, &sp) && spans_push(&raw, sp) < 0)
                        goto error;
                }
                if (collect_raw(self, text, shorter >= 0 ? end : span.start + 1, &raw) < 0)
                    goto error;
            }
            continue;
        }
        int r = straddles(self, &t, span.start, span.end);
        if (r < 0)
            goto error;
        if (r) {
            Py_ssize_t boundary = t.ends[token_at(&t, span.start)];
            if ((r = after_cut(self, &t, text, &span)) < 0)
                goto error;
            if (!r) { /* no entry ends with the match: the scan resumes at the cut (汽车|企业) */
                if (span.start < boundary && boundary < span.end) {
                    raw.n = k + 1;
                    if (collect_raw(self, text, boundary, &raw) < 0)
                        goto error;
                }
                continue;
            }
        }
        if (span.end - span.start == self->name_len[span.pattern] && after_own(&t, text, span.start))
            continue;
        raw.items[n_kept++] = span;
    }
    /* names taken in on the left; list-only words kept apart */
    size_t n_named = 0;
    for (size_t k = 0; k < n_kept; k++) {
        Span span = raw.items[k];
        int f = self->flags[span.pattern];
        if (f & ENTRY_EXTENDABLE) {
            Py_ssize_t start = span.start;
            int anchored, needs_name = (f & ENTRY_NEEDS_NAME) != 0;
            if (extend_left(self, &t, span.start, span.end, needs_name && self->name_len[span.pattern] >= 2, &span.start,
                            &anchored) < 0)
                goto error;
            if (needs_name && !anchored) { /* a bare suffix (局, 学院) is no mention without a name before it */
                if ((f & ENTRY_LIST_ONLY) && whole_word(&t, start, span.end)) {
                    span.start = start;
                    if (spans_push(&listed, span) < 0)
                        goto error;
                }
                continue;
            }
        } else if (f & ENTRY_LIST_ONLY) {
            if (whole_word(&t, span.start, span.end) && spans_push(&listed, span) < 0)
                goto error;
            continue;
        }
        raw.items[n_named++] = span;
    }
    /* adjacent mentions of one type form one name */
    for (size_t k = 0; k < n_named; k++) {
        Span span = raw.items[k];
        if (merged.n) {
            Span *last = &merged.items[merged.n - 1];
            int g = self->group[span.pattern];
            if (last->end >= span.start && g >= 0 && self->group[last->pattern] == g) {
                if (span.end > last->end)
                    last->end = span.end;
                last->joined = 1;
                continue;
            }
            if (span.start < last->end)
                span.start = last->end;
        }
        span.joined = 0;
        if (spans_push(&merged, span) < 0)
            goto error;
    }
    Spans *mentions = &merged;
    if (listed.n) {
        if (with_listed(self, &t, text, &merged, &listed, &all) < 0)
            goto error;
        mentions = &all;
    }
    /* 企业职工 names people, not the firm; so does each item of a list before it */
    people = PyMem_Calloc(mentions->n + 1, sizeof(int));
    if (people == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    for (size_t k = 0; k < mentions->n; k++)
        if ((people[k] = names_people(self, &t, text, mentions->items[k].end)) < 0)
            goto error;
    for (size_t k = mentions->n > 1 ? mentions->n - 1 : 0; k-- > 0;) {
        if (people[k + 1] && !people[k]) {
            int r = slice_in_set(self, S_LIST_DELIMS, text, mentions->items[k].end, mentions->items[k + 1].start);
            if (r < 0)
                goto error;
            people[k] = r;
        }
    }
    for (size_t k = 0; k < mentions->n; k++) {
        const Span *sp = &mentions->items[k];
        if (sp->end <= sp->start || people[k])
            continue;
        if (append_mentions(self, text, sp, out) < 0)
            goto error;
    }
    goto done;
error:
    Py_CLEAR(out);
done:
    PyMem_Free(raw.items);
    PyMem_Free(merged.items);
    PyMem_Free(listed.items);
    PyMem_Free(all.items);
    PyMem_Free(people);
    for (Py_ssize_t k = 0; k < t.held; k++) {
        Py_DECREF(t.words[k]);
        Py_DECREF(t.tags[k]);
    }
    PyMem_Free(t.starts);
    PyMem_Free(t.ends);
    PyMem_Free(t.words);
    PyMem_Free(t.tags);
    Py_XDECREF(seq);
    return out;
}

static PyMethodDef ActorCore_methods[] = {
    {"find", (PyCFunction)ActorCore_find, METH_VARARGS,
     "find(text, pairs) -> [mention]: the mentions of ActorMatcher._find"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ActorCoreType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pipeline._cengine.ActorCore",
    .tp_basicsize = sizeof(ActorCoreObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "ActorCore(trie, info, entry_index, sets, chars, person_trie, role_trie, roles, gaps, tagger, record): "
              "the actor extractor's rules over a text and its tokens",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)ActorCore_init,
    .tp_dealloc = (destructor)ActorCore_dealloc,
    .tp_methods = ActorCore_methods,
};

/* ------------------------------------------------------------------ KeywordCounter */

#define INLINE_CPS 4

typedef struct {
    PyObject *word;  /* NULL = empty slot */
    uint64_t hash;
    double weight;   /* -inf: not a keyword candidate */
    int64_t count;   /* in the current call */
    uint64_t stamp;  /* the call that count belongs to */
    Py_UCS4 cps[INLINE_CPS]; /* a short word's code points, compared without reading the word */
    Py_ssize_t len;
} Entry;

typedef struct {
    PyObject_HEAD
    PyObject *idf;      /* dict word -> float */
    double fallback;    /* IDF of a word the table lacks */
    PyObject *stop;     /* set or frozenset of stop words */
    PyObject *keep_pos; /* set or frozenset of POS tags kept (besides tags starting with n) */
    Entry *table;
    size_t mask, used, max_words;
    uint64_t stamp;
    Py_ssize_t *touched; /* slots counted in the current call */
    size_t n_touched, cap_touched;
    int busy;            /* inside top(): Python code it runs may not call it again */
    int init_called;     /* __init__ runs once (see TrieObject) */
} CounterObject;

/* hash of a word's code points; the first INLINE_CPS of them are copied to cps */
static inline uint64_t word_hash(int kind, const void *data, Py_ssize_t len, Py_UCS4 *cps) {
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)len;
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (i < INLINE_CPS)
            cps[i] = c;
        h ^= c;
        h *= 1099511628211ULL;
    }
    return mix64(h);
}

static inline int same_word(PyObject *a, PyObject *b) {
    if (a == b)
        return 1;
    Py_ssize_t len = PyUnicode_GET_LENGTH(a);
    if (len != PyUnicode_GET_LENGTH(b) || PyUnicode_KIND(a) != PyUnicode_KIND(b))
        return 0; /* canonical str: the same text has the same kind */
    return memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)len * PyUnicode_KIND(a)) == 0;
}

static void counter_clear_table(CounterObject *self) {
    if (self->table == NULL)
        return;
    for (size_t i = 0; i <= self->mask; i++)
        Py_CLEAR(self->table[i].word);
    self->used = 0;
}

static int counter_alloc(CounterObject *self, size_t size) {
    Entry *t = PyMem_Calloc(size, sizeof(Entry));
    if (t == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->table = t;
    self->mask = size - 1;
    self->used = 0;
    return 0;
}

static int counter_grow(CounterObject *self) {
    Entry *old = self->table;
    size_t old_size = self->mask + 1;
    if (counter_alloc(self, old_size * 2) < 0) {
        self->table = old;
        return -1;
    }
    for (size_t i = 0; i < old_size; i++) {
        if (old[i].word == NULL)
            continue;
        size_t j = (size_t)old[i].hash & self->mask;
        while (self->table[j].word != NULL)
            j = (j + 1) & self->mask;
        self->table[j] = old[i];
        self->used++;
    }
    PyMem_Free(old);
    /* slots moved: the current call's touched list is rebuilt by the caller */
    return 0;
}

static void Counter_dealloc(CounterObject *self) {
    counter_clear_table(self);
    PyMem_Free(self->table);
    PyMem_Free(self->touched);
    Py_XDECREF(self->idf);
    Py_XDECREF(self->stop);
    Py_XDECREF(self->keep_pos);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Counter_init(CounterObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"idf", "fallback", "stop", "keep_pos", "max_words", NULL};
    PyObject *idf, *stop, *keep_pos;
    double fallback;
    Py_ssize_t max_words = 500000;
    if (self->init_called) {
        PyErr_SetString(PyExc_RuntimeError, "a KeywordCounter is initialised once");
        return -1;
    }
    self->init_called = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!dOO|n", kwlist, &PyDict_Type, &idf, &fallback, &stop, &keep_pos,
                                     &max_words))
        return -1;
    if (!PyAnySet_Check(stop) || !PyAnySet_Check(keep_pos)) {
        PyErr_SetString(PyExc_TypeError, "stop and keep_pos must be sets");
        return -1;
    }
    Py_INCREF(idf);
    Py_INCREF(stop);
    Py_INCREF(keep_pos);
    self->idf = idf;
    self->stop = stop;
    self->keep_pos = keep_pos;
    self->fallback = fallback;
    self->max_words = max_words > 0 ? (size_t)max_words : 1;
    self->stamp = 0;
    self->n_touched = 0;
    self->cap_touched = 0;
    self->touched = NULL;
    return counter_alloc(self, 1 << 14);
}

/* Whether (word, tag) is a keyword candidate: the twin of keywords._candidate. */
static int judge(CounterObject *self, PyObject *word, PyObject *tag) {
    /* (top() has already turned down one-character words and numbers) */
    int r = PySet_Contains(self->stop, word);
    if (r != 0)
        return r < 0 ? -1 : 0;
    r = PySet_Contains(self->keep_pos, tag);
    if (r != 0)
        return r;
    return PyUnicode_Check(tag) && PyUnicode_GET_LENGTH(tag) > 0 && PyUnicode_READ_CHAR(tag, 0) == 'n';
}

static int add_touched(CounterObject *self, Py_ssize_t slot) {
    Py_ssize_t *touched =
        room_for_one(self->touched, self->n_touched, &self->cap_touched, sizeof(Py_ssize_t), 4096);
    if (touched == NULL)
        return -1;
    self->touched = touched;
    self->touched[self->n_touched++] = slot;
    return 0;
}

typedef struct {
    double score;
    PyObject *word;
} Scored;

static int scored_cmp(const void *pa, const void *pb) {
    const Scored *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1; /* higher score first */
    /* ties: the greater word first, as heapq.nlargest over (score, word) */
    int c = PyUnicode_Compare(a->word, b->word);
    return c < 0 ? 1 : (c > 0 ? -1 : 0);
}

/* top(pairs, k) -> [(word, count * weight / total)] for the k best keyword candidates. */
static PyObject *Counter_top(CounterObject *self, PyObject *args) {
    PyObject *pairs;
    Py_ssize_t k;
    if (!PyArg_ParseTuple(args, "On", &pairs, &k))
        return NULL;
    if (self->table == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "KeywordCounter not initialised");
        return NULL;
    }
    if (self->busy) {
        /* a stop word's __eq__, an IDF value's __float__ or a finaliser called us again: the
         * table and this call's slots would change under the outer call */
        PyErr_SetString(PyExc_RuntimeError, "KeywordCounter.top is not re-entrant");
        return NULL;
    }
    /* a tuple of the pairs: the caller's list may not change under us */
    PyObject *seq = PySequence_Tuple(pairs);
    if (seq == NULL)
        return NULL;
    self->busy = 1;
    Py_ssize_t n = PyTuple_GET_SIZE(seq);
    PyObject **items = &PyTuple_GET_ITEM(seq, 0);
    Scored *scored = NULL;
    PyObject *out = NULL;
    if (self->used > self->max_words)
        counter_clear_table(self); /* bound the memo on a corpus with a huge vocabulary */
    self->stamp++;
    self->n_touched = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *pair = items[i], *word, *tag;
        if (pair_items(pair, &word, &tag) < 0)
            goto done;
        int kind = PyUnicode_KIND(word);
        Py_ssize_t len = PyUnicode_GET_LENGTH(word);
        /* what judge() turns down by its look alone (one character: punctuation, 的, 和; a
         * number) is neither counted nor remembered: no hash, no probe of a cold table */
        if (len < 2 || Py_UNICODE_ISDIGIT(PyUnicode_READ(kind, PyUnicode_DATA(word), 0)))
            continue;
        Py_UCS4 cps[INLINE_CPS] = {0, 0, 0, 0};
        uint64_t h = word_hash(kind, PyUnicode_DATA(word), len, cps);
        size_t j = (size_t)h & self->mask;
        Entry *e;
        for (;;) {
            e = &self->table[j];
            if (e->word == NULL)
                break;
            if (e->hash == h && e->len == len &&
                (len <= INLINE_CPS ? memcmp(e->cps, cps, sizeof cps) == 0 : same_word(e->word, word)))
                break;
            j = (j + 1) & self->mask;
        }
        if (e->word == NULL) {
            /* judging may run Python code (a str subclass's __eq__, __float__): hold the pair */
            Py_INCREF(word);
            Py_INCREF(tag);
            int cand = judge(self, word, tag);
            double weight = -INFINITY;
            if (cand > 0) {
                PyObject *v = PyDict_GetItemWithError(self->idf, word);
                if (v == NULL && PyErr_Occurred())
                    cand = -1;
                else if (v == NULL)
                    weight = self->fallback;
                else {
                    Py_INCREF(v);
                    weight = PyFloat_AsDouble(v);
                    Py_DECREF(v);
                    if (weight == -1.0 && PyErr_Occurred())
                        cand = -1;
                }
            }
            Py_DECREF(tag);
            if (cand < 0) {
                Py_DECREF(word);
                goto done;
            }
            e->word = word; /* the reference taken above: the pair may have let go of the word */
            e->hash = h;
            e->weight = weight;
            e->stamp = 0;
            e->len = len;
            memcpy(e->cps, cps, sizeof cps);
            self->used++;
            if (2 * self->used > self->mask + 1) {
                /* grow, then find the slots of this call's words again */
                if (counter_grow(self) < 0)
                    goto done;
                self->n_touched = 0;
                for (size_t s = 0; s <= self->mask; s++) {
                    if (self->table[s].word != NULL && self->table[s].stamp == self->stamp &&
                        add_touched(self, (Py_ssize_t)s) < 0)
                        goto done;
                }
                j = (size_t)h & self->mask;
                while (!(self->table[j].word == word))
                    j = (j + 1) & self->mask;
                e = &self->table[j];
            }
        }
        if (e->stamp != self->stamp) {
            e->stamp = self->stamp;
            e->count = 0;
            if (add_touched(self, (Py_ssize_t)j) < 0)
                goto done;
        }
        e->count++;
    }
    int64_t total = 0;
    size_t m = 0;
    scored = PyMem_Malloc((self->n_touched + 1) * sizeof(Scored));
    if (scored == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t t = 0; t < self->n_touched; t++) {
        Entry *e = &self->table[self->touched[t]];
        if (e->weight == -INFINITY)
            continue;
        total += e->count;
        scored[m].score = (double)e->count * e->weight;
        scored[m].word = e->word;
        m++;
    }
    out = PyList_New(0);
    if (out == NULL || total == 0 || k <= 0)
        goto done;
    /* the k best, kept sorted at the front of scored[] (k is small, most words lose at once) */
    size_t kept = 0, want = (size_t)k < m ? (size_t)k : m;
    for (size_t t = 0; t < m; t++) {
        Scored cand = scored[t];
        if (kept == want && scored_cmp(&cand, &scored[kept - 1]) >= 0)
            continue;
        size_t pos = kept < want ? kept++ : want - 1;
        while (pos > 0 && scored_cmp(&cand, &scored[pos - 1]) < 0) {
            scored[pos] = scored[pos - 1];
            pos--;
        }
        scored[pos] = cand;
    }
    if (PyErr_Occurred()) {
        Py_CLEAR(out);
        goto done;
    }
    for (size_t t = 0; t < kept; t++) {
        PyObject *item = Py_BuildValue("(Od)", scored[t].word, scored[t].score / (double)total);
        if (item == NULL || PyList_Append(out, item) < 0) {
            Py_XDECREF(item);
            Py_CLEAR(out);
            goto done;
        }
        Py_DECREF(item);
    }
done:
    self->busy = 0;
    PyMem_Free(scored);
    Py_DECREF(seq);
    if (PyErr_Occurred()) {
        Py_XDECREF(out);
        return NULL;
    }
    return out;
}

static PyObject *Counter_size(CounterObject *self, PyObject *Py_UNUSED(ignored)) {
    return PyLong_FromSize_t(self->used);
}

static PyMethodDef Counter_methods[] = {
    {"top", (PyCFunction)Counter_top, METH_VARARGS,
     "top(pairs, k) -> [(word, score)]: the k best keyword candidates of (word, tag) pairs by TF-IDF, "
     "score = count * idf / candidate tokens; ties go to the greater word"},
    {"size", (PyCFunction)Counter_size, METH_NOARGS, "words remembered"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CounterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pipeline._cengine.KeywordCounter",
    .tp_basicsize = sizeof(CounterObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "KeywordCounter(idf, fallback, stop, keep_pos, max_words=500000)",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Counter_init,
    .tp_dealloc = (destructor)Counter_dealloc,
    .tp_methods = Counter_methods,
};

/* ------------------------------------------------------------------ module */

static PyMethodDef module_methods[] = {
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef cengine_module = {
    PyModuleDef_HEAD_INIT, "pipeline._cengine", "chanjiao's extraction engine (C)", -1, module_methods,
};

PyMODINIT_FUNC PyInit__cengine(void) {
    struct {
        const char *name;
        PyTypeObject *type;
    } types[] = {{"Trie", &TrieType}, {"KeywordCounter", &CounterType}, {"TermCore", &TermCoreType},
                 {"ActorCore", &ActorCoreType}};
    PyObject *m = PyModule_Create(&cengine_module);
    if (m == NULL)
        return NULL;
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        if (PyType_Ready(types[k].type) < 0)
            goto error;
        Py_INCREF(types[k].type);
        if (PyModule_AddObject(m, types[k].name, (PyObject *)types[k].type) < 0) {
            Py_DECREF(types[k].type);
            goto error;
        }
    }
    return m;
error:
    Py_DECREF(m);
    return NULL;
}
