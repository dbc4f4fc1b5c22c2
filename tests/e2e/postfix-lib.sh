# A private Postfix instance on loopback, for end-to-end tests (sourced).
#   pf_start WORK PORT [MILTER_SOCKET]  config, queue, maildir and log in WORK;
#                                       PF_MAIN_EXTRA (lines) is added to main.cf
#   pf_stop WORK
#   pf_log WORK                         path of Postfix's log file
#   pf_wait_delivered WORK PATTERN      waits for a Maildir file matching
# Mail to anyone@test.example lands in WORK/mail/maildir (virtual delivery);
# mail to anyone@sink.example goes to smtp-sink on port PORT+1; mail to
# discard.example is dropped by Postfix (benchmarks).
# Postfix refuses "-c DIR" unless DIR is listed in the default instance's
# alternate_config_directories, so that line is added to /etc/postfix.

pf_register_instance() {
	local cur
	cur=$(postconf -h alternate_config_directories 2>/dev/null)
	case " $cur " in
	*" $1 "*) ;;
	*) postconf -e "alternate_config_directories = $cur $1" ;;
	esac
}

pf_start() {
	local work=$1 port=$2 milter=${3:-} i
	# A leftover instance on the port would answer in this one's place.
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		echo "# port $port is already in use (a leftover Postfix?); not starting"
		return 1
	fi
	mkdir -p "$work/etc" "$work/queue" "$work/data" "$work/mail" "$work/log"
	chown 65534:65534 "$work/mail"
	chown postfix "$work/data"
	# Leftover queue files of an earlier run would be delivered now.
	rm -rf "$work/queue"/* "$work/log"/*
	sed -e 's/^\(smtp *inet.*\)$/#\1/' \
	    -e "s/^#*\\(127.0.0.1:$port\\).*//" /etc/postfix/master.cf |
	awk '/^[a-z]/ && NF >= 8 { $5 = "n" } { print }' > "$work/etc/master.cf"
	echo "127.0.0.1:$port inet n - n - - smtpd" >> "$work/etc/master.cf"
	cat > "$work/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $work/queue
data_directory = $work/data
maillog_file = $work/log/postfix.log
maillog_file_prefixes = $work/log
myhostname = mx.portcullis-test.example
mydomain = portcullis-test.example
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = test.example
virtual_mailbox_base = $work/mail
virtual_mailbox_maps = static:maildir/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
transport_maps = inline:{ sink.example=smtp:[127.0.0.1]:$((port + 1)), discard.example=discard: }
smtp_connection_cache_on_demand = yes
smtpd_soft_error_limit = 100000
smtpd_hard_error_limit = 100000
smtpd_error_sleep_time = 0
smtpd_client_connection_count_limit = 0
smtpd_client_message_rate_limit = 0
message_size_limit = 60000000
virtual_mailbox_limit = 0
default_process_limit = 50
CONF
	if [ -n "$milter" ]; then
		cat >> "$work/etc/main.cf" <<CONF
smtpd_milters = $milter
non_smtpd_milters = \$smtpd_milters
milter_default_action = tempfail
milter_protocol = 6
CONF
	fi
	# A test's own main.cf lines, last: they override the above.
	[ -n "${PF_MAIN_EXTRA:-}" ] && printf '%s\n' "$PF_MAIN_EXTRA" >> "$work/etc/main.cf"
	pf_register_instance "$work/etc"
	postfix -c "$work/etc" check > "$work/log/check.out" 2>&1
	if ! postfix -c "$work/etc" start > "$work/log/start.out" 2>&1; then
		echo "# postfix did not start:"
		sed 's/^/# /' "$work/log/start.out" "$work/log/postfix.log" 2>/dev/null
		return 1
	fi
	i=0
	while ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done 2>/dev/null
}

# "postfix stop" returns before the master has exited; a restart of the same
# instance must not race it.
pf_stop() {
	local master i=0
	master=$(head -1 "$1/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
	postfix -c "$1/etc" stop > /dev/null 2>&1
	while [ -n "$master" ] && kill -0 "$master" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

pf_log() {
	echo "$1/log/postfix.log"
}

# Waits up to 20 s for a delivered message containing PATTERN; prints its path.
pf_wait_delivered() {
	local i=0 f
	while [ $i -lt 200 ]; do
		f=$(grep -l -F -- "$2" "$1"/mail/maildir/new/* 2>/dev/null | head -1)
		[ -n "$f" ] && { echo "$f"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# Waits until Postfix's queue is empty (everything delivered or bounced).
pf_wait_queue_empty() {
	local i=0
	while [ $i -lt 300 ]; do
		postqueue -c "$1/etc" -p 2>/dev/null | grep -q "Mail queue is empty" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
