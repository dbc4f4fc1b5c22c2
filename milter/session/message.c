/*
 * NAME
 *	message.c - per-message state: envelope, spool, size limit, scan
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "message.h"
#include "notify.h"
#include "release.h"

const char *const pcm_owned_headers[PCM_OWN_COUNT] = {
	[PCM_OWN_SCANNED] = PCM_HDR_SCANNED, [PCM_OWN_STATUS] = PCM_HDR_STATUS,
	[PCM_OWN_RELEASE] = PCQ_RELEASE_HEADER, [PCM_OWN_SPAM_FLAG] = "X-Spam-Flag",
	[PCM_OWN_SPAM_STATUS] = "X-Spam-Status", [PCM_OWN_SPAM_SCORE] = "X-Spam-Score",
	[PCM_OWN_SPAM_LEVEL] = "X-Spam-Level", [PCM_OWN_NOTIFICATION] = PCN_HEADER,
};

char *
pcm_address(const char *arg)
{
	gsize len = strlen(arg);

	if (len >= 2 && arg[0] == '<' && arg[len - 1] == '>')
		return g_strndup(arg + 1, len - 2);
	return g_strdup(arg);
}

PcmMsg *
pcm_msg_new(PcmRuntime *rt, const char *sender)
{
	PcmMsg *msg = g_new0(PcmMsg, 1);

	msg->rt = rt;
	msg->queue_id = g_strdup("NOQUEUE");
	msg->log_id = g_strdup(msg->queue_id);
	msg->sender = pcm_address(sender);
	msg->recipients = g_ptr_array_new_with_free_func(g_free);
	msg->groups = g_ptr_array_new();
	msg->spool = pcm_spool_new(rt->conf->spool_dir, rt->conf->spool_memory_max);
	msg->start_us = g_get_monotonic_time();
	msg->forged_results = g_array_new(FALSE, FALSE, sizeof(guint));
	return msg;
}

void
pcm_msg_free(PcmMsg *msg)
{
	if (msg == NULL)
		return;
	pcm_runtime_unref(msg->rt);
	g_free(msg->queue_id);
	g_free(msg->log_id);
	g_free(msg->sender);
	g_free(msg->client_addr);
	g_ptr_array_unref(msg->recipients);
	g_ptr_array_unref(msg->groups);
	g_free(msg->subject);
	g_free(msg->release_mark);
	g_free(msg->notice_token);
	g_free(msg->message_id);
	g_free(msg->auto_submitted);
	g_free(msg->helo);
	g_array_unref(msg->forged_results);
	pcm_spool_free(msg->spool);
	g_clear_error(&msg->spool_error);
	g_free(msg);
}

void
pcm_msg_set_queue_id(PcmMsg *msg, const char *queue_id)
{
	if (queue_id == NULL || *queue_id == '\0')
		return;
	g_free(msg->queue_id);
	msg->queue_id = g_strdup(queue_id);
	g_free(msg->log_id);
	msg->log_id = pcm_log_str(queue_id, TRUE);
}

void
pcm_msg_append(PcmMsg *msg, const void *data, gsize len)
{
	msg->size += len;
	if (msg->size > msg->rt->conf->max_message_size) {
		/* Nothing will be scanned: keep counting, stop holding bytes. */
		msg->oversize = TRUE;
		g_clear_pointer(&msg->spool, pcm_spool_free);
	}
	if (msg->spool != NULL && msg->spool_error == NULL) {
		gint64 start = g_get_monotonic_time();

		pcm_spool_write(msg->spool, data, len, &msg->spool_error);
		msg->spool_us += g_get_monotonic_time() - start;
	}
}

/* DKIM key and DMARC lookups start while the body comes. */
static void
pcm_msg_prefetch_header(PcmMsg *msg)
{
	const guint8 *data;
	gsize len;

	if (msg->spool == NULL || msg->spool_error != NULL ||
	    (data = pcm_spool_map(msg->spool, &len, NULL)) == NULL)
		return;
	pc_engine_prefetch(msg->rt->engine, &(PcPrefetch){ .header = data, .header_len = len });
	pcm_spool_unmap(msg->spool, data, len);
}

void
pcm_msg_end_headers(PcmMsg *msg)
{
	if (msg->headers_ended)
		return;
	msg->headers_ended = TRUE;
	pcm_msg_append(msg, "\r\n", 2);
	pcm_msg_prefetch_header(msg);
}

PcVerdict *
pcm_msg_scan(PcmMsg *msg, const PcPolicy *policy)
{
	PcInput input = { 0 };
	PcVerdict *verdict;

	if (msg->oversize) {
		verdict = pc_verdict_new();
		pc_verdict_add(verdict, "size", PC_STATUS_UNSCANNED, NULL, NULL, "size");
		return verdict;
	}
	pcm_spool_input(msg->spool, &input);
	input.client_address = msg->client_addr;
	input.sender = msg->sender;
	input.helo = msg->helo;
	return pc_engine_scan(msg->rt->engine, &input, policy);
}

void
pcm_msg_add_recipient(PcmMsg *msg, const char *address, const PcGroup *group)
{
	g_ptr_array_add(msg->recipients, g_strdup(address));
	g_ptr_array_add(msg->groups, (gpointer)group);
}

static void
pcm_msg_keep_first(char **slot, const char *value)
{
	if (*slot == NULL)
		*slot = g_strdup(value);
}

/* RFC 8601 5: results that claim our authserv-id did not come from us. */
static void
pcm_msg_note_results(PcmMsg *msg, const char *value)
{
	g_autofree char *id = pc_auth_header_id(value);
	guint index = ++msg->auth_results;

	if (msg->rt->conf->auth && id != NULL &&
	    g_ascii_strcasecmp(id, pcm_conf_authserv_id(msg->rt->conf)) == 0)
		g_array_append_val(msg->forged_results, index);
}

void
pcm_msg_note_header(PcmMsg *msg, const char *name, const char *value)
{
	const char *v = value + strspn(value, " \t");

	for (guint i = 0; i < PCM_OWN_COUNT; i++)
		if (g_ascii_strcasecmp(name, pcm_owned_headers[i]) == 0)
			msg->owned[i]++;
	if (g_ascii_strcasecmp(name, "Subject") == 0) {
		pcm_msg_keep_first(&msg->subject, value);
	} else if (g_ascii_strcasecmp(name, PCQ_RELEASE_HEADER) == 0) {
		pcm_msg_keep_first(&msg->release_mark, v);
	} else if (g_ascii_strcasecmp(name, PCN_HEADER) == 0) {
		pcm_msg_keep_first(&msg->notice_token, v);
	} else if (g_ascii_strcasecmp(name, "Message-ID") == 0) {
		pcm_msg_keep_first(&msg->message_id, v);
	} else if (g_ascii_strcasecmp(name, "Auto-Submitted") == 0) {
		pcm_msg_keep_first(&msg->auto_submitted, v);
	} else if (g_ascii_strcasecmp(name, "Authentication-Results") == 0) {
		pcm_msg_note_results(msg, v);
	}
}

void
pcm_conn_free(PcmConn *conn)
{
	if (conn == NULL)
		return;
	pcm_msg_free(conn->msg);
	g_free(conn->client_name);
	g_free(conn->client_addr);
	g_free(conn->helo);
	g_free(conn);
}
