/*
 * NAME
 *	learn_cmd.c - portcullisctl learn | forget | stats: the Bayes store
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <portcullis/engine.h>
#include <portcullis/learn.h>

#include "ctl.h"

const char pcc_learn_help[] =
	"    learn --spam|--ham PATH...\n"
	"        Teaches the Bayes store ([spam] bayes_dir) each message, for Bayes\n"
	"        and the 4-gram learner: PATH is a message file, an mbox (messages\n"
	"        split at \"From \" lines) or a directory of them. Safe while the\n"
	"        daemon runs; it sees each message learned from its next scan on.\n"
	"    forget --spam|--ham PATH...\n"
	"        Takes messages learned with that class back out.\n"
	"    stats\n"
	"        Messages learned as spam and as ham, and whether Bayes and the\n"
	"        4-gram learner are active (bayes_min_learned of each).\n";

/* Messages are learned PCC_LEARN_BATCH to a transaction: each commit waits
 * for the disk, and the daemon's readers are never blocked by a writer. */
#define PCC_LEARN_BATCH 64

typedef struct {
	PcLearner *learner;
	gboolean spam;
	int delta;
	guint messages;
	guint failed;
	GPtrArray *lessons;	/* PcLesson *, not yet written */
	char *first_path;	/* of the pending lessons, for an error */
} PccLearn;

static void
pcc_learn_flush(PccLearn *l)
{
	g_autoptr(GError) error = NULL;
	guint n = l->lessons->len;

	if (n == 0)
		return;
	if (pc_learner_learn_lessons(l->learner, (PcLesson *const *)l->lessons->pdata, n, &error)) {
		l->messages += n;
	} else {
		g_autofree char *path = pcc_text(l->first_path);
		g_autofree char *message = pcc_text(error->message);

		l->failed += n;
		fprintf(stderr, "portcullisctl: %u messages from %s on: %s\n", n, path, message);
	}
	g_ptr_array_set_size(l->lessons, 0);
	g_clear_pointer(&l->first_path, g_free);
}

static void
pcc_learn_one(const char *path, const char *data, gsize len, gpointer user)
{
	PccLearn *l = user;

	if (l->first_path == NULL)
		l->first_path = g_strdup(path);
	g_ptr_array_add(l->lessons, pc_lesson_new((const guint8 *)data, len, l->spam, l->delta));
	if (l->lessons->len == PCC_LEARN_BATCH)
		pcc_learn_flush(l);
}

static PcLearner *
pcc_learner(const PcmConfig *conf)
{
	g_autoptr(GError) error = NULL;
	PcLearner *learner;
	PccOwnerIds ids;

	if (*conf->bayes_dir == '\0') {
		fprintf(stderr, "portcullisctl: [spam] bayes_dir is not set\n");
		return NULL;
	}
	if (!pc_engine_global_init(NULL, &error) ||
	    !pcc_owner_enter("bayes_dir", conf->bayes_dir, &ids, &error)) {
		pcc_print_error(error->message);
		return NULL;
	}
	/* The daemon's user can plant links in its store: opened as that user. */
	learner = pc_learner_open(conf->bayes_dir, &error);
	if (ids.switched)
		pcc_owner_leave(&ids);
	if (learner == NULL)
		pcc_print_error(error->message);
	return learner;
}

static int
pcc_learn_run(const PcmConfig *conf, int argc, char **argv, int delta)
{
	PccLearn l = { .delta = delta };
	int first = 1;

	if (argc < 2 || (strcmp(argv[0], "--spam") != 0 && strcmp(argv[0], "--ham") != 0)) {
		fprintf(stderr, "portcullisctl: %s --spam|--ham PATH... (see --help)\n",
			delta > 0 ? "learn" : "forget");
		return PCC_USAGE;
	}
	l.spam = strcmp(argv[0], "--spam") == 0;
	l.learner = pcc_learner(conf);
	if (l.learner == NULL)
		return PCC_ERROR;
	l.lessons = g_ptr_array_new_with_free_func((GDestroyNotify)pc_lesson_free);
	for (int i = first; i < argc; i++)
		pcc_messages_foreach(argv[i], pcc_learn_one, &l, &l.failed);
	pcc_learn_flush(&l);
	g_ptr_array_unref(l.lessons);
	pc_learner_close(l.learner);
	printf("%u messages %s as %s%s\n", l.messages, delta > 0 ? "learned" : "forgotten",
	       l.spam ? "spam" : "ham", l.failed ? " (some failed, see above)" : "");
	return l.failed ? PCC_ERROR : PCC_OK;
}

int
pcc_learn(const PcmConfig *conf, int argc, char **argv)
{
	return pcc_learn_run(conf, argc, argv, +1);
}

int
pcc_forget(const PcmConfig *conf, int argc, char **argv)
{
	return pcc_learn_run(conf, argc, argv, -1);
}

int
pcc_stats(const PcmConfig *conf, int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = NULL;
	PcLearner *learner;
	guint64 spam = 0, ham = 0, nspam = 0, nham = 0;

	gboolean json = argc == 1 && strcmp(argv[0], "--json") == 0;

	if (argc > 1 || (argc == 1 && !json)) {
		fprintf(stderr, "portcullisctl: stats [--json]\n");
		return PCC_USAGE;
	}
	/* the daemon's counters first: the Bayes store is read here, directly */
	if (!pcc_daemon_stats(conf, json) && json)
		return PCC_ERROR;
	if (json)
		return PCC_OK;
	if (*conf->bayes_dir == '\0') {
		printf("bayes: off ([spam] bayes_dir is empty)\n");
		return PCC_OK;
	}
	learner = pcc_learner(conf);
	if (learner == NULL)
		return PCC_ERROR;
	if (!pc_learner_counts(learner, &spam, &ham, &error) ||
	    !pc_learner_ngram_counts(learner, &nspam, &nham, &error)) {
		pcc_print_error(error->message);
		pc_learner_close(learner);
		return PCC_ERROR;
	}
	pc_learner_close(learner);
	dir = pcc_text(conf->bayes_dir);
	printf("bayes %s: %" G_GUINT64_FORMAT " spam, %" G_GUINT64_FORMAT " ham learned; %s "
	       "(bayes_min_learned = %u)\n", dir, spam, ham,
	       spam >= conf->bayes_min_learned && ham >= conf->bayes_min_learned ? "active"
										 : "inactive",
	       conf->bayes_min_learned);
	printf("4-grams: %" G_GUINT64_FORMAT " spam, %" G_GUINT64_FORMAT " ham learned; %s\n",
	       nspam, nham, !conf->ngram ? "off (ngram = no)" :
	       nspam >= conf->bayes_min_learned && nham >= conf->bayes_min_learned ? "active"
										   : "inactive");
	return PCC_OK;
}
