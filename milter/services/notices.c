/*
 * NAME
 *	notices.c - queue the notifications of a decision (see notices.h)
 */
#include "config.h"

#include <string.h>

#include <portcullis/random.h>

#include "log.h"
#include "notices.h"
#include "notify.h"
#include "stats.h"

static PcnWorker *pcm_notices_worker;

static GBytes *pcm_notices_loop_key(void);

static void
pcm_notices_sender_config(const PcmConfig *conf, PcnSenderConfig *out)
{
	out->queue_dir = conf->notify_queue_dir;
	out->sendmail_path = conf->sendmail_path;
	out->relay = conf->notify_relay;
	out->retry_interval = conf->notify_retry;
	out->max_attempts = conf->notify_max_attempts;
}

static void
pcm_notices_log(int priority, const char *message)
{
	pcm_log(priority, "notify: %s", message);
}

void
pcm_notices_start(const PcmConfig *conf)
{
	PcnSenderConfig config;

	pcm_notices_sender_config(conf, &config);
	/* Made now, so that a failure is logged at start, not at the first virus. */
	pcm_notices_loop_key();
	pcm_notices_worker = pcn_worker_start(&config, pcm_notices_log);
}

void
pcm_notices_reconfigure(const PcmConfig *conf)
{
	PcnSenderConfig config;

	if (pcm_notices_worker == NULL)
		return;
	pcm_notices_sender_config(conf, &config);
	pcn_worker_configure(pcm_notices_worker, &config);
}

void
pcm_notices_stop(void)
{
	g_clear_pointer(&pcm_notices_worker, pcn_worker_stop);
}

gboolean
pcm_notices_counts(PcnWorkerCounts *out)
{
	if (pcm_notices_worker == NULL)
		return FALSE;
	pcn_worker_counts(pcm_notices_worker, out);
	return TRUE;
}

/* The objects worth naming: leaves that are not clean, with the first
 * finding about each.  The strings stay owned by the verdict. */
static GArray *
pcm_notices_objects(const PcVerdict *verdict)
{
	GArray *objects = g_array_new(FALSE, TRUE, sizeof(PcnObject));

	for (guint i = 0; i < verdict->objects->len; i++) {
		const PcObject *o = g_ptr_array_index(verdict->objects, i);
		PcnObject item = { "", o->path, o->detected_type ? o->detected_type :
				   o->declared_type ? o->declared_type : "", o->size,
				   pc_status_name(o->status), "" };
		guint n;
		PcFinding *const *about;

		if (o->status == PC_STATUS_CLEAN || o->container)
			continue;
		item.name = pc_object_name(o) ? pc_object_name(o) : "";
		about = pc_verdict_findings_about(verdict, o->path, &n);
		for (guint f = 0; f < n; f++) {
			if (about[f]->names->len > 0) {
				item.signature = g_ptr_array_index(about[f]->names, 0);
				break;
			}
		}
		g_array_append_val(objects, item);
	}
	return objects;
}

static char *
pcm_notices_from(const PcmConfig *conf)
{
	return *conf->notify_from ? g_strdup(conf->notify_from)
				  : g_strdup_printf("postmaster@%s", g_get_host_name());
}

/* Renders for one party and one address and queues it. */
static void
pcm_notices_one(const PcmMsg *msg, const PcnContext *context, const char *language,
		PcnParty party, const char *to)
{
	const PcmConfig *conf = msg->rt->conf;
	g_autofree char *from = pcm_notices_from(conf);
	g_autoptr(GError) error = NULL;
	g_autofree char *text = pcn_render(msg->rt->templates, language, party, context, from,
					   to, &error);
	const char *const rcpts[] = { to, NULL };
	g_autofree char *shown = pcm_log_str(to, TRUE);

	if (text == NULL || !pcn_queue_put(conf->notify_queue_dir, rcpts, text, &error)) {
		pcm_msg_log(msg, LOG_ERR, "notification to <%s> not queued: %s", shown,
			    error->message);
		pcm_stats_error("notify");
		return;
	}
	pcm_msg_log(msg, LOG_INFO, "notification to <%s> queued", shown);
	if (pcm_notices_worker != NULL)
		pcn_worker_wake(pcm_notices_worker);
}

/* One secret per daemon, in memory only: it works without a release key
 * file and cannot be read from disk.  A restart makes a new one; the
 * notifications queued before it are still recognised by pcm_notices_auto. */
static GBytes *
pcm_notices_loop_key(void)
{
	static gsize done;
	static GBytes *key;

	if (g_once_init_enter(&done)) {
		g_autoptr(GError) error = NULL;
		guint8 raw[32];

		if (pc_random_bytes(raw, sizeof(raw), &error))
			key = g_bytes_new(raw, sizeof(raw));
		else
			pcm_log(LOG_ERR, "notification loop secret: %s; notifications go out "
				"without %s", error->message, PCN_HEADER);
		g_once_init_leave(&done, 1);
	}
	return key;
}

/* A notification of ours: the mark matches its own Message-ID. */
static gboolean
pcm_notices_ours(const PcmMsg *msg)
{
	return pcn_loop_verify(pcm_notices_loop_key(), msg->notice_token, msg->message_id);
}

/* Automatic mail to the null sender (RFC 3834: a bounce, a notification,
 * an auto-reply) that says it is one: answering it is how loops start.
 * This also covers notifications of another portcullis, or of this one
 * before a restart. */
static gboolean
pcm_notices_auto(const PcmMsg *msg)
{
	const char *as = msg->auto_submitted;

	if (*msg->sender != '\0')
		return FALSE;
	if (msg->notice_token != NULL)
		return TRUE;
	return as != NULL && g_ascii_strncasecmp(as + strspn(as, " \t"), "no", 2) != 0;
}

void
pcm_notices_send(const PcmConn *conn, const PcmMsg *msg, const PcmOutcome *outcome,
		 const char *quarantine_id)
{
	const PcPolicy *policy = outcome->policy;
	guint notify = outcome->decision.notify;
	g_autoptr(GArray) objects = NULL;
	g_autofree char *reason = NULL;
	g_autofree const char **rcpts = NULL;
	PcnContext context;

	if (notify == 0 || policy == NULL)
		return;
	if (pcm_notices_ours(msg)) {
		pcm_msg_log(msg, LOG_INFO, "a notification of ours: it causes none");
		return;
	}
	if (pcm_notices_auto(msg)) {
		pcm_msg_log(msg, LOG_INFO, "automatic mail to the null sender "
			    "(Auto-Submitted): it causes no notification");
		return;
	}
	objects = pcm_notices_objects(outcome->verdict);
	reason = outcome->decision.reason ? g_strdup(outcome->decision.reason)
					  : pc_verdict_describe(outcome->verdict);
	rcpts = g_new0(const char *, msg->recipients->len + 1);
	memcpy(rcpts, msg->recipients->pdata, msg->recipients->len * sizeof(char *));
	context = (PcnContext){
		.sender = msg->sender,
		.recipients = rcpts,
		.subject = msg->subject ? msg->subject + strspn(msg->subject, " \t") : "",
		.queue_id = msg->queue_id,
		.client_address = conn->client_addr,
		.group = outcome->group ? outcome->group->name : "default",
		.status = pc_status_name(pcm_outcome_status(outcome)),
		.action = pc_action_name(outcome->decision.action),
		.reason = reason,
		.quarantine_id = quarantine_id ? quarantine_id : "",
		.hostname = g_get_host_name(),
		.date = g_get_real_time() / G_USEC_PER_SEC,
		.objects = (const PcnObject *)objects->data,
		.n_objects = objects->len,
		.loop_key = pcm_notices_loop_key(),
	};
	if (notify & PC_NOTIFY_ADMIN)
		pcm_notices_one(msg, &context, policy->notify_language, PCN_ADMIN,
				policy->admin_address);
	for (guint i = 0; (notify & PC_NOTIFY_RECIPIENTS) && rcpts[i] != NULL; i++)
		pcm_notices_one(msg, &context, policy->notify_language, PCN_RECIPIENT, rcpts[i]);
	if ((notify & PC_NOTIFY_SENDER) && *msg->sender != '\0')
		pcm_notices_one(msg, &context, policy->notify_language, PCN_SENDER, msg->sender);
}
