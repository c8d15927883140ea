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
 * array (most positions of a text start no pattern and cost one array read), the others in
 * one open-addressing table keyed by (node, code point). Matching walks the trie from every
 * position: all matches (overlapping), or leftmost-longest non-overlapping ones.
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
    uint64_t *keys;     /* (node << 21 | cp) + 1; 0 = empty slot */
    int32_t *vals;      /* child node of the key */
    size_t mask;        /* table size - 1 */
    int32_t *pattern;   /* per node: index of the pattern ending there, -1 = none */
    int32_t n_nodes;
    Py_ssize_t n_patterns;
    int overlapping;    /* find(): every match, or leftmost-longest non-overlapping ones */
} TrieObject;

static inline int32_t trie_child(const TrieObject *t, int32_t node, Py_UCS4 cp) {
    if (node == 0 && cp < ROOT_DENSE)
        return t->root[cp];
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
    PyMem_Free(self->keys);
    PyMem_Free(self->vals);
    PyMem_Free(self->pattern);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Trie_init(TrieObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"patterns", "overlapping", NULL};
    PyObject *patterns;
    int overlapping = 1;
    if (self->root != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a Trie is initialised once");
        return -1;
    }
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
    self->keys = PyMem_Calloc(size, sizeof(uint64_t));
    self->vals = PyMem_Calloc(size, sizeof(int32_t));
    self->pattern = PyMem_Malloc((total + 1) * sizeof(int32_t));
    if (!self->root || !self->keys || !self->vals || !self->pattern) {
        Py_DECREF(seq);
        PyMem_Free(self->root);
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

static int append_match(PyObject *out, Py_ssize_t pat, Py_ssize_t start, Py_ssize_t end) {
    PyObject *t = Py_BuildValue("(nnn)", pat, start, end);
    if (t == NULL)
        return -1;
    int rc = PyList_Append(out, t);
    Py_DECREF(t);
    return rc;
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
    const int overlapping = self->overlapping;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    const int32_t *pattern = self->pattern;
    Py_ssize_t i = 0;
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
                    if (append_match(out, pattern[node], i, j) < 0)
                        goto error;
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
            if (append_match(out, best, i, best_end) < 0)
                goto error;
            i = best_end;
        } else {
            i++;
        }
    }
    return out;
error:
    Py_DECREF(out);
    return NULL;
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

/* ------------------------------------------------------------------ token columns */

/* The (word, tag) of a pair: a tuple or list of two, the word a str (borrowed references). */
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
    if (!PyUnicode_Check(*word)) {
        PyErr_SetString(PyExc_TypeError, "words must be str");
        return -1;
    }
    return 0;
}

/* token_columns(pairs, upto) -> (starts, ends, tags, words) of (word, tag) pairs: the offsets
 * up to the first token that ends at or after character upto (all if none does), the tags and
 * words of every token. */
static PyObject *token_columns(PyObject *module, PyObject *args) {
    PyObject *pairs;
    Py_ssize_t upto;
    if (!PyArg_ParseTuple(args, "On", &pairs, &upto))
        return NULL;
    /* a tuple of the pairs: the caller's list may not change under us */
    PyObject *seq = PySequence_Tuple(pairs);
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(seq);
    PyObject **items = &PyTuple_GET_ITEM(seq, 0);
    PyObject *starts = PyList_New(0), *ends = PyList_New(0), *tags = PyList_New(n), *words = PyList_New(n);
    PyObject *out = NULL;
    if (!starts || !ends || !tags || !words)
        goto done;
    Py_ssize_t end = 0;
    int counting = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *word, *tag;
        if (pair_items(items[i], &word, &tag) < 0)
            goto done;
        Py_INCREF(word);
        PyList_SET_ITEM(words, i, word);
        Py_INCREF(tag);
        PyList_SET_ITEM(tags, i, tag);
        if (!counting)
            continue;
        PyObject *a = PyLong_FromSsize_t(end);
        end += PyUnicode_GET_LENGTH(word);
        PyObject *b = PyLong_FromSsize_t(end);
        if (a == NULL || b == NULL || PyList_Append(starts, a) < 0 || PyList_Append(ends, b) < 0) {
            Py_XDECREF(a);
            Py_XDECREF(b);
            goto done;
        }
        Py_DECREF(a);
        Py_DECREF(b);
        if (end >= upto)
            counting = 0;
    }
    out = PyTuple_Pack(4, starts, ends, tags, words);
done:
    Py_DECREF(seq);
    Py_XDECREF(starts);
    Py_XDECREF(ends);
    Py_XDECREF(tags);
    Py_XDECREF(words);
    return out;
}

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
    if (self->table != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a KeywordCounter is initialised once");
        return -1;
    }
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
    if (PyUnicode_GET_LENGTH(word) < 2)
        return 0;
    if (Py_UNICODE_ISDIGIT(PyUnicode_READ_CHAR(word, 0)))
        return 0;
    int r = PySet_Contains(self->stop, word);
    if (r != 0)
        return r < 0 ? -1 : 0;
    r = PySet_Contains(self->keep_pos, tag);
    if (r != 0)
        return r;
    return PyUnicode_Check(tag) && PyUnicode_GET_LENGTH(tag) > 0 && PyUnicode_READ_CHAR(tag, 0) == 'n';
}

static int add_touched(CounterObject *self, Py_ssize_t slot) {
    if (self->n_touched == self->cap_touched) {
        size_t cap = self->cap_touched ? self->cap_touched * 2 : 4096;
        Py_ssize_t *t = PyMem_Realloc(self->touched, cap * sizeof(Py_ssize_t));
        if (t == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        self->touched = t;
        self->cap_touched = cap;
    }
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
            Py_DECREF(word);
            if (cand < 0)
                goto done;
            Py_INCREF(word);
            e->word = word;
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
    {"token_columns", token_columns, METH_VARARGS,
     "token_columns(pairs, upto) -> (starts, ends, tags, words): offsets up to the first token ending at "
     "or after upto, tags and words of all tokens"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef cengine_module = {
    PyModuleDef_HEAD_INIT, "pipeline._cengine", "chanjiao's extraction engine (C)", -1, module_methods,
};

PyMODINIT_FUNC PyInit__cengine(void) {
    if (PyType_Ready(&TrieType) < 0 || PyType_Ready(&CounterType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&cengine_module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&TrieType);
    if (PyModule_AddObject(m, "Trie", (PyObject *)&TrieType) < 0) {
        Py_DECREF(&TrieType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&CounterType);
    if (PyModule_AddObject(m, "KeywordCounter", (PyObject *)&CounterType) < 0) {
        Py_DECREF(&CounterType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
