/*
 * NAME
 *	ngram.c - character 4-gram features, online logistic regression, store
 * DESCRIPTION
 *	See ngram.h.  The weights are one LMDB value so that a reader maps
 *	them and touches only the few thousand floats a message has, and a
 *	writer replaces them once per transaction (a batch of lessons), not
 *	once per message.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ngram.h"

#define PC_NGRAM_N 4
#define PC_NGRAM_KEY "\001ngram"
#define PC_NGRAM_COUNTS_KEY "\001ngram-counts"
#define PC_NGRAM_RING_KEY "\001ngram-ring"
#define PC_NGRAM_MAX_MARGIN 30.0	/* exp() of more is 1 or 0 anyway */

enum { PC_NGRAM_SUBJECT = 1, PC_NGRAM_FROM, PC_NGRAM_BODY };

/* Murmur3's finaliser over the window and its source: sources never
 * share a bucket by design, only by collision. */
static guint32
pc_ngram_hash(guint source, const char *window)
{
	guint32 h;

	memcpy(&h, window, sizeof(h));
	h ^= source * 0x9e3779b9u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h & (PC_NGRAM_BUCKETS - 1);
}

/* Appends text to buf[*len..max), lower-cased, a run of white space as
 * one space (none at the start); *space says the last byte was one. */
static void
pc_ngram_normalise(char *buf, gsize *len, gsize max, const char *text, gboolean *space)
{
	for (const char *p = text; *p && *len < max; p++) {
		if (g_ascii_isspace(*p)) {
			*space = TRUE;
			continue;
		}
		if (*space && *len > 0) {
			buf[(*len)++] = ' ';
			if (*len == max)
				break;
		}
		*space = FALSE;
		buf[(*len)++] = g_ascii_tolower(*p);
	}
}

static void
pc_ngram_windows(GArray *features, guint source, const char *buf, gsize len)
{
	for (gsize i = 0; i + PC_NGRAM_N <= len; i++) {
		guint32 bucket = pc_ngram_hash(source, buf + i);

		g_array_append_val(features, bucket);
	}
}

void
pc_ngram_add_text(GArray *features, guint source, const char *text, gsize max)
{
	g_autofree char *buf = g_malloc(max);
	gsize len = 0;
	gboolean space = FALSE;

	pc_ngram_normalise(buf, &len, max, text, &space);
	pc_ngram_windows(features, source, buf, len);
}

static gint
pc_ngram_cmp(gconstpointer a, gconstpointer b)
{
	guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;

	return x < y ? -1 : x > y;
}

void
pc_ngram_finish(GArray *features)
{
	guint32 *f = (guint32 *)features->data;
	guint out = 0;

	g_array_sort(features, pc_ngram_cmp);
	for (guint i = 0; i < features->len; i++)
		if (out == 0 || f[i] != f[out - 1])
			f[out++] = f[i];
	g_array_set_size(features, out);
}

static const char *
pc_ngram_header(const PcSpamView *v, const char *name)
{
	for (guint i = 0; i < v->header_names->len; i++)
		if (g_ascii_strcasecmp(g_ptr_array_index(v->header_names, i), name) == 0)
			return g_ptr_array_index(v->header_values, i);
	return NULL;
}

/* The paragraphs as one text (a space between), up to the budget. */
static void
pc_ngram_body(GArray *features, const GPtrArray *body, guint first)
{
	char buf[PC_NGRAM_TEXT_MAX];
	gsize len = 0;
	gboolean space = FALSE;

	for (guint i = first; i < body->len && len < sizeof(buf); i++) {
		space = TRUE;
		pc_ngram_normalise(buf, &len, sizeof(buf), g_ptr_array_index(body, i), &space);
	}
	pc_ngram_windows(features, PC_NGRAM_BODY, buf, len);
}

GArray *
pc_ngram_features(const PcSpamView *v)
{
	GArray *f = g_array_sized_new(FALSE, FALSE, sizeof(guint32), PC_NGRAM_TEXT_MAX + 512);
	const char *subject = pc_ngram_header(v, "Subject");
	const char *from = pc_ngram_header(v, "From");

	if (subject != NULL)
		pc_ngram_add_text(f, PC_NGRAM_SUBJECT, subject, PC_NGRAM_HEADER_MAX);
	if (from != NULL)
		pc_ngram_add_text(f, PC_NGRAM_FROM, from, PC_NGRAM_HEADER_MAX);
	/* body[0] is the subject again when there is one (view.c) */
	pc_ngram_body(f, v->body, subject != NULL ? 1 : 0);
	pc_ngram_finish(f);
	return f;
}

static double
pc_ngram_predict_n(const float *w, const guint32 *f, guint n)
{
	double sum = 0;

	if (n == 0)
		return 0.5;
	for (guint i = 0; i < n; i++)
		sum += w[f[i]];
	sum = CLAMP(sum / sqrt(n), -PC_NGRAM_MAX_MARGIN, PC_NGRAM_MAX_MARGIN);
	return 1.0 / (1.0 + exp(-sum));
}

double
pc_ngram_predict(const float *w, const GArray *features)
{
	return pc_ngram_predict_n(w, (const guint32 *)features->data, features->len);
}

static void
pc_ngram_update_n(float *w, const guint32 *f, guint n, gboolean spam, int delta)
{
	double step;

	if (n == 0)
		return;
	step = delta * PC_NGRAM_RATE * ((spam ? 1.0 : 0.0) - pc_ngram_predict_n(w, f, n)) / sqrt(n);
	for (guint i = 0; i < n; i++)
		w[f[i]] += step;
}

void
pc_ngram_update(float *w, const GArray *features, gboolean spam, int delta)
{
	pc_ngram_update_n(w, (const guint32 *)features->data, features->len, spam, delta);
}

void
pc_ngram_counts(MDB_txn *txn, MDB_dbi dbi, guint64 n[2])
{
	MDB_val key = { strlen(PC_NGRAM_COUNTS_KEY), (void *)PC_NGRAM_COUNTS_KEY }, val;

	n[0] = n[1] = 0;
	if (mdb_get(txn, dbi, &key, &val) == 0 && val.mv_size == 2 * sizeof(guint64))
		memcpy(n, val.mv_data, 2 * sizeof(guint64));
}

/* The weights in place, or NULL when there are none (or of another size:
 * a store written with other PC_NGRAM_BITS is not read as this one). */
static const float *
pc_ngram_weights(MDB_txn *txn, MDB_dbi dbi)
{
	MDB_val key = { strlen(PC_NGRAM_KEY), (void *)PC_NGRAM_KEY }, val;

	if (mdb_get(txn, dbi, &key, &val) != 0 || val.mv_size != PC_NGRAM_BUCKETS * sizeof(float))
		return NULL;
	return val.mv_data;
}

void
pc_ngram_load(MDB_txn *txn, MDB_dbi dbi, PcNgramModel *m)
{
	const float *w = pc_ngram_weights(txn, dbi);

	m->weights = g_malloc0(PC_NGRAM_BUCKETS * sizeof(float));
	if (w != NULL)
		memcpy(m->weights, w, PC_NGRAM_BUCKETS * sizeof(float));
	pc_ngram_counts(txn, dbi, m->n);
}

/* "\001ngram-ring", the class (s or h), the slot's 4 bytes. */
typedef struct {
	char bytes[sizeof(PC_NGRAM_RING_KEY) + 4];
} PcNgramRingKey;

static MDB_val
pc_ngram_ring_key(PcNgramRingKey *k, int side, guint32 slot)
{
	memcpy(k->bytes, PC_NGRAM_RING_KEY, sizeof(PC_NGRAM_RING_KEY) - 1);
	k->bytes[sizeof(PC_NGRAM_RING_KEY) - 1] = side == 0 ? 's' : 'h';
	memcpy(k->bytes + sizeof(PC_NGRAM_RING_KEY), &slot, sizeof(slot));
	return (MDB_val){ sizeof(k->bytes), k->bytes };
}

/* One message of the other class learned again, picked by the count so
 * that the same lessons learn the same weights. */
static void
pc_ngram_replay(MDB_txn *txn, MDB_dbi dbi, PcNgramModel *m, int side)
{
	int other = !side;
	guint64 filled = MIN(m->n[other], PC_NGRAM_RING);
	PcNgramRingKey k;
	MDB_val key, val;

	if (filled == 0)
		return;
	key = pc_ngram_ring_key(&k, other, (guint32)((m->n[side] * 2654435761u) % filled));
	if (mdb_get(txn, dbi, &key, &val) == 0) {
		/* LMDB keeps values at any byte offset: copied to read them as
		 * 32-bit numbers (UBSan caught the unaligned loads) */
		g_autofree guint32 *f = g_memdup2(val.mv_data, val.mv_size);

		pc_ngram_update_n(m->weights, f, val.mv_size / sizeof(guint32), other == 0, +1);
	}
}

/* The message into its class's ring, in place of the oldest. */
static int
pc_ngram_ring_put(MDB_txn *txn, MDB_dbi dbi, const PcNgramModel *m, const GArray *f, int side)
{
	PcNgramRingKey k;
	MDB_val key = pc_ngram_ring_key(&k, side, (guint32)(m->n[side] % PC_NGRAM_RING));
	MDB_val val = { f->len * sizeof(guint32), f->data };

	return mdb_put(txn, dbi, &key, &val, 0);
}

/* A forgotten message is not replayed again. */
static int
pc_ngram_ring_drop(MDB_txn *txn, MDB_dbi dbi, const GArray *f, int side)
{
	for (guint32 slot = 0; slot < PC_NGRAM_RING; slot++) {
		PcNgramRingKey k;
		MDB_val key = pc_ngram_ring_key(&k, side, slot), val;

		if (mdb_get(txn, dbi, &key, &val) == 0 && val.mv_size == f->len * sizeof(guint32) &&
		    memcmp(val.mv_data, f->data, val.mv_size) == 0)
			return mdb_del(txn, dbi, &key, NULL);
	}
	return 0;
}

int
pc_ngram_learn(MDB_txn *txn, MDB_dbi dbi, PcNgramModel *m, const GArray *features,
	       gboolean spam, int delta)
{
	int side = spam ? 0 : 1, rc;

	pc_ngram_update(m->weights, features, spam, delta);
	if (delta > 0) {
		pc_ngram_replay(txn, dbi, m, side);
		rc = pc_ngram_ring_put(txn, dbi, m, features, side);
	} else {
		rc = pc_ngram_ring_drop(txn, dbi, features, side);
	}
	m->n[side] = delta < 0 && m->n[side] == 0 ? 0 : m->n[side] + delta;
	return rc;
}

int
pc_ngram_save(MDB_txn *txn, MDB_dbi dbi, const PcNgramModel *m)
{
	MDB_val key = { strlen(PC_NGRAM_KEY), (void *)PC_NGRAM_KEY };
	MDB_val val = { PC_NGRAM_BUCKETS * sizeof(float), NULL };
	MDB_val ckey = { strlen(PC_NGRAM_COUNTS_KEY), (void *)PC_NGRAM_COUNTS_KEY };
	MDB_val cval = { sizeof(m->n), (void *)m->n };
	int rc = mdb_put(txn, dbi, &key, &val, MDB_RESERVE);

	if (rc != 0)
		return rc;
	memcpy(val.mv_data, m->weights, PC_NGRAM_BUCKETS * sizeof(float));
	return mdb_put(txn, dbi, &ckey, &cval, 0);
}

void
pc_ngram_model_clear(PcNgramModel *m)
{
	g_clear_pointer(&m->weights, g_free);
}

void
pc_ngram_classify(MDB_txn *txn, MDB_dbi dbi, const GArray *features, guint min_learned,
		  double *probability, gboolean *active)
{
	guint64 n[2];
	const float *w;

	*probability = 0.5;
	*active = FALSE;
	pc_ngram_counts(txn, dbi, n);
	if (n[0] < min_learned || n[1] < min_learned || (w = pc_ngram_weights(txn, dbi)) == NULL)
		return;
	*probability = pc_ngram_predict(w, features);
	*active = TRUE;
}
