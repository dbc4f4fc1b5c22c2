#!/usr/bin/perl
# sa-relays.pl FILE...: SpamAssassin's own relay records for each message,
# one tab-separated line per file:
#   FILE  UNPARSEABLE  UNTRUSTED  TRUSTED  INTERNAL  EXTERNAL  LINE...
# the four X-Spam-Relays-* strings, then the lines SpamAssassin parsed: the
# Received values (unfolded) and, after them, the synthetic
# "from X-Originating-IP: ADDR" lines of its originating_ip_headers.
# Backslash, tab, CR and LF in a field are written \\ \t \r \n.
# SA_TRUSTED / SA_INTERNAL in the environment set trusted_networks /
# internal_networks (default: not set, SpamAssassin infers the boundary).
# Only the metadata is extracted: no rule runs, so this is quick.
use strict;
use warnings;
use Mail::SpamAssassin;
use Mail::SpamAssassin::PerMsgStatus;
use Mail::SpamAssassin::Constants qw(:ip);

my $conf = "use_bayes 0\nuse_auto_whitelist 0\nuse_auto_welcomelist 0\n";
$conf .= "trusted_networks $ENV{SA_TRUSTED}\n" if $ENV{SA_TRUSTED};
$conf .= "internal_networks $ENV{SA_INTERNAL}\n" if $ENV{SA_INTERNAL};
my $sa = Mail::SpamAssassin->new({
	local_tests_only => 1,
	dont_copy_prefs => 1,
	userprefs_filename => '/dev/null',
	post_config_text => $conf,
});
$sa->init(1);
my $ip_re = IP_ADDRESS;

sub esc {
	my ($s) = @_;
	$s = '' unless defined $s;
	$s =~ s/\\/\\\\/g;
	$s =~ s/\t/\\t/g;
	$s =~ s/\r/\\r/g;
	$s =~ s/\n/\\n/g;
	return $s;
}

for my $file (@ARGV) {
	open(my $fh, '<', $file) or die "$file: $!\n";
	my @lines = <$fh>;
	close($fh);
	shift @lines if @lines && $lines[0] =~ /^From /;
	my $mail = $sa->parse(\@lines);
	my $pms = Mail::SpamAssassin::PerMsgStatus->new($sa, $mail);
	$pms->extract_message_metadata();
	my @hdrs = map { my $h = $_; $h =~ s/\n\z//; $h } $mail->get_header('Received');
	foreach my $name (@{$sa->{conf}->{originating_ip_headers}}) {
		my $str = $mail->get_header($name);
		push @hdrs, "from X-Originating-IP: $1" if $str && $str =~ m/($ip_re)/;
	}
	print join("\t", esc($file), $pms->{num_relays_unparseable} || 0,
		map({ esc($pms->{$_}) } qw(relays_untrusted_str relays_trusted_str
			relays_internal_str relays_external_str)),
		map({ esc($_) } @hdrs)), "\n";
	$pms->finish();
	$mail->finish();
}
