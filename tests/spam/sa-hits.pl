#!/usr/bin/perl
# sa-hits.pl FILE...: SpamAssassin's own rule hits for each message, one
# line per file: "FILE<TAB>RULE,RULE,...".  Local tests only, no Bayes, no
# auto-welcomelist: the rules alone, as portcullis runs them offline.
use strict;
use warnings;
use Mail::SpamAssassin;

my $sa = Mail::SpamAssassin->new({
	local_tests_only => 1,
	dont_copy_prefs => 1,
	userprefs_filename => '/dev/null',
	post_config_text => "use_bayes 0\nuse_auto_whitelist 0\nuse_auto_welcomelist 0\n",
});
$sa->compile_now(0);
for my $file (@ARGV) {
	open(my $fh, '<', $file) or die "$file: $!\n";
	my @lines = <$fh>;
	close($fh);
	shift @lines if @lines && $lines[0] =~ /^From /;
	my $mail = $sa->parse(\@lines);
	my $status = $sa->check($mail);
	my @hits = grep { !/^__/ } split(/,/, $status->get_names_of_tests_hit());
	print "$file\t", join(',', sort @hits), "\n";
	$status->finish();
	$mail->finish();
}
