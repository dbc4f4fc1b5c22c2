#!/bin/bash
# What libclamav's leaks on malformed input would cost the daemon in a day
# (issue 17, item 7; tests/fuzz/lsan.supp suppresses them in the fuzzer).
# Makes malformed inputs (ZIP, tar.gz, gzip, bzip2, PDF, a message, and
# ClamAV's OLE, CAB, CHM, 7z and RTF test files when clamav-testfiles is
# installed), each cut at 10%, 50% and 90% and with bytes flipped in its
# middle, plus the whole files, then scans every input AVLEAK_N times
# (default 2000) in one process through the real engine (tests/bench/avleak)
# and prints per input the heap growth per scan and what it projects to
# at 100,000 and 1,000,000 such messages a day.  A clean text input is the
# control in the same run: its figure is the noise floor.  Last, the growth
# per engine build (a signature reload).  Prints figures, asserts nothing.
# A leak gives the same bytes per scan at any AVLEAK_N; a figure that falls
# as AVLEAK_N grows is one-time growth (caches, tables) spread over the scans.
#   AVLEAK_N        scans per input (default 2000)
#   AVLEAK_RELOADS  engine builds measured (default 20)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
: "${top_builddir:?run through make bench-avleak}"
n=${AVLEAK_N:-2000}
reloads=${AVLEAK_RELOADS:-20}
make -s -C "$top_builddir" tests/bench/avleak > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in" "$work/spool" "$work/scratch"

python3 - "$work/in" <<'EOF'
import bz2, gzip, io, os, sys, tarfile, zipfile
out = sys.argv[1]
body = b"".join(b"line %d of a document that is not a virus\n" % i for i in range(400))
def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
put("control.txt", body)
z = io.BytesIO()
with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
    zf.writestr("a.txt", body)
    zf.writestr("b/c.doc", body[::-1])
put("a.zip", z.getvalue())
t = io.BytesIO()
with tarfile.open(fileobj=t, mode="w:gz") as tf:
    info = tarfile.TarInfo("a.txt")
    info.size = len(body)
    tf.addfile(info, io.BytesIO(body))
put("a.tar.gz", t.getvalue())
put("a.txt.gz", gzip.compress(body))
put("a.txt.bz2", bz2.compress(body))
stream = gzip.compress(body)[10:-8]  # a raw deflate stream, for FlateDecode
objs = [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
        b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream +
        b"\nendstream"]
pdf = b"%PDF-1.4\n"
offsets = []
for i, o in enumerate(objs, 1):
    offsets.append(len(pdf))
    pdf += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(pdf)
pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
pdf += b"".join(b"%010d 00000 n \n" % off for off in offsets)
pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
put("a.pdf", pdf)
import base64
mail = (b"From: a@example.org\r\nTo: b@example.org\r\nSubject: leak\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\n"
        b"Content-Type: application/zip; name=\"a.zip\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" +
        base64.encodebytes(z.getvalue()).replace(b"\n", b"\r\n") + b"--b--\r\n")
put("msg.eml", mail)
EOF
for f in clam.ole.doc clam.cab clam.chm clam.7z clam.exe.rtf; do
	[ -f "/usr/share/clamav-testfiles/$f" ] && cp "/usr/share/clamav-testfiles/$f" "$work/in/"
done
# The malformed variants: cut short, and 16 bytes in the middle inverted.
python3 - "$work/in" <<'EOF'
import os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    if name.startswith("control"):
        continue
    data = open(os.path.join(d, name), "rb").read()
    stem, dot, ext = name.partition(".")
    for pct in (10, 50, 90):
        with open(os.path.join(d, "%s-cut%d.%s" % (stem, pct, ext)), "wb") as f:
            f.write(data[:len(data) * pct // 100])
    mid = len(data) // 2
    flipped = data[:mid] + bytes(b ^ 0xff for b in data[mid:mid + 16]) + data[mid + 16:]
    with open(os.path.join(d, "%s-flip.%s" % (stem, ext)), "wb") as f:
        f.write(flipped)
EOF

overrides=(av.database_dir="$here/tests/data/sigs" message.spool_dir="$work/spool"
	av.tmp_dir="$work/scratch")
echo "== heap growth per scan, $n scans each (libclamav $(pkg-config --modversion libclamav 2>/dev/null || echo '?'))"
"$top_builddir/tests/bench/avleak" "$n" "$work/in/control.txt" \
	$(ls "$work"/in/* | grep -v /control.txt) -- "${overrides[@]}" > "$work/figures"
awk -F'\t' '
	{ n = split($2, p, "/"); name = p[n] }
	NR == 1 { base = $1 }
	{ printf "%-20s %8.1f B/scan %8.1f over control %9.2f MB/day at 100k %9.2f MB/day at 1M\n",
		name, $1, $1 - base, $1 * 1e5 / 1048576, $1 * 1e6 / 1048576
	  if ($1 > worst) { worst = $1; wname = name } }
	END { printf "worst: %s, %.1f B/scan = %.1f MB/day at 1,000,000 messages/day\n",
		wname, worst, worst * 1e6 / 1048576 }' "$work/figures"
echo "== heap growth per engine build (a signature reload), $reloads builds"
"$top_builddir/tests/bench/avleak" --reload "$reloads" "${overrides[@]}" |
	awk -F'\t' '{ printf "%.0f B/reload, %.2f MB/day at 24 reloads/day\n", $1, $1 * 24 / 1048576 }'
