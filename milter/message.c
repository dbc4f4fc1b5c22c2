/*
 * NAME
 *	message.c - per-message state: envelope, spool, size limit, scan
 */
#include "config.h"

#include <string.h>

#include "message.h"

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
	msg->sender = pcm_address(sender);
	msg->recipients = g_ptr_array_new_with_free_func(g_free);
	msg->spool = pcm_spool_new(rt->conf->spool_dir, rt->conf->spool_memory_max);
	msg->start_us = g_get_monotonic_time();
	return msg;
}

void
pcm_msg_free(PcmMsg *msg)
{
	if (msg == NULL)
		return;
	pcm_runtime_unref(msg->rt);
	g_free(msg->queue_id);
	g_free(msg->sender);
	g_ptr_array_unref(msg->recipients);
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
	if (msg->spool != NULL && msg->spool_error == NULL)
		pcm_spool_write(msg->spool, data, len, &msg->spool_error);
}

PcVerdict *
pcm_msg_scan(PcmMsg *msg)
{
	PcInput input;
	PcVerdict *verdict;

	if (msg->oversize) {
		verdict = pc_verdict_new();
		pc_verdict_add(verdict, "size", PC_STATUS_UNSCANNED, NULL, NULL, "size");
		return verdict;
	}
	pcm_spool_input(msg->spool, &input);
	return pc_engine_scan(msg->rt->engine, &input, &msg->rt->conf->policy);
}

char *
pcm_msg_recipients(const PcmMsg *msg)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < msg->recipients->len; i++)
		g_string_append_printf(out, "%s%s", i ? "," : "",
				       (char *)g_ptr_array_index(msg->recipients, i));
	return g_string_free(out, FALSE);
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
