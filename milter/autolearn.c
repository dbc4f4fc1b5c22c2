/*
 * NAME
 *	autolearn.c - learn clear cases into the Bayes store (autolearn.h)
 */
#include "config.h"

#include <syslog.h>
#include <portcullis/learn.h>

#include "autolearn.h"
#include "log.h"
#include "spool.h"

/* One writer for the process: LMDB allows one write transaction at a time. */
static GMutex pcm_autolearn_lock;
static PcLearner *pcm_learner;
static char *pcm_learner_dir;

/* Under the lock: the learner for dir, opened (again) when it changed. */
static PcLearner *
pcm_autolearn_learner(const char *dir, GError **error)
{
	if (pcm_learner != NULL && g_strcmp0(pcm_learner_dir, dir) == 0)
		return pcm_learner;
	g_clear_pointer(&pcm_learner, pc_learner_close);
	g_free(pcm_learner_dir);
	pcm_learner_dir = g_strdup(dir);
	pcm_learner = pc_learner_open(dir, error);
	return pcm_learner;
}

void
pcm_autolearn(const PcmMsg *msg, const PcVerdict *verdict, GString *log_extra)
{
	const PcmConfig *conf = msg->rt->conf;
	double score = verdict->spam_score - verdict->spam_bayes;
	g_autoptr(GError) error = NULL;
	const guint8 *data;
	gboolean spam = score >= conf->autolearn_spam;
	gsize len;

	if (!conf->autolearn || !verdict->spam_scanned || *conf->bayes_dir == '\0' ||
	    msg->spool == NULL || (!spam && score >= conf->autolearn_ham))
		return;
	data = pcm_spool_map(msg->spool, &len, &error);
	g_mutex_lock(&pcm_autolearn_lock);
	if (data != NULL) {
		PcLearner *learner = pcm_autolearn_learner(conf->bayes_dir, &error);

		if (learner == NULL || !pc_learner_learn(learner, data, len, spam, +1, &error))
			g_clear_pointer(&pcm_learner, pc_learner_close);
	}
	g_mutex_unlock(&pcm_autolearn_lock);
	if (data != NULL)
		pcm_spool_unmap(msg->spool, data, len);
	if (error != NULL) {
		pcm_msg_log(msg, LOG_WARNING, "autolearn failed: %s", error->message);
		g_string_append(log_extra, " autolearn=failed");
		return;
	}
	g_string_append_printf(log_extra, " autolearn=%s", spam ? "spam" : "ham");
}

void
pcm_autolearn_shutdown(void)
{
	g_mutex_lock(&pcm_autolearn_lock);
	g_clear_pointer(&pcm_learner, pc_learner_close);
	g_clear_pointer(&pcm_learner_dir, g_free);
	g_mutex_unlock(&pcm_autolearn_lock);
}
