// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOMMU fault reports in the kernel log. `test_kmsg FIXTURE` checks one log in tests/unit/kmsg/
 * (the format is described at the top of vtd.log): every line alone through kmsg_parse_fault(),
 * then all of them through kmsg_read_faults(), once from a pipe (lines run together) and once
 * from a SOCK_SEQPACKET socket (one record per read, as /dev/kmsg gives them). Without an
 * argument: the cases no fixture holds (whole records, long lines, buffer edges, errors).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iommutest/kmsg.h"
#include "unit.h"

#define TEXT_MAX 1200
#define REPORTS_MAX 64

/* a check that names where in the fixture it failed */
static void check_at(bool ok, const char *where, const char *what, const char *detail)
{
	unit_checks++;
	if (ok)
		return;
	unit_failures++;
	fprintf(stderr, "%s: %s\n    %s\n", where, what, detail);
}

/* "source=vt-d device=0000:00:02.0 dir=write iova=0x1201000 seq=0 reason=TEXT" ("-": none) */
static int expected_fault(const char *spec, struct iommu_fault *f)
{
	char source[16], device[20], dir[8], iova[24];
	unsigned long long seq;
	int reason_at = -1;
	int src;

	if (sscanf(spec, "source=%15s device=%19s dir=%7s iova=%23s seq=%llu reason=%n", source,
		   device, dir, iova, &seq, &reason_at) != 5 || reason_at < 0)
		return -EINVAL;
	*f = (struct iommu_fault){ .seq = seq };
	/* every source's name, up to the "?" past the last */
	for (src = FAULT_SRC_VTD; strcmp(iommu_fault_source_name(src), "?"); src++)
		if (!strcmp(source, iommu_fault_source_name(src)))
			break;
	if (!strcmp(iommu_fault_source_name(src), "?") || strlen(device) >= sizeof(f->device))
		return -EINVAL;
	f->source = src;
	if (strcmp(device, "-"))
		strcpy(f->device, device);
	f->has_dir = strcmp(dir, "-") != 0;
	f->write = !strcmp(dir, "write");
	f->has_iova = strcmp(iova, "-") != 0;
	if (f->has_iova)
		f->iova = strtoull(iova, NULL, 0);
	snprintf(f->reason, sizeof(f->reason), "%s", spec + reason_at);
	return 0;
}

static bool same_fault(const struct iommu_fault *a, const struct iommu_fault *b)
{
	return a->source == b->source && !strcmp(a->device, b->device) &&
	       a->has_iova == b->has_iova && (!a->has_iova || a->iova == b->iova) &&
	       a->has_dir == b->has_dir && (!a->has_dir || a->write == b->write) &&
	       !strcmp(a->reason, b->reason) && a->seq == b->seq;
}

/* one fixture line's expectation ("fault ..." or "none") against kmsg_parse_fault(text) */
static void check_line(const char *where, const char *text, const char *expect)
{
	struct iommu_fault got, want;
	char detail[512], got_s[160], want_s[160];
	int found = kmsg_parse_fault(text, &got);

	if (!strcmp(expect, "none")) {
		if (found)
			iommu_fault_describe(&got, got_s, sizeof(got_s));
		check_at(!found, where, "a fault where none is", found ? got_s : "");
		return;
	}
	if (strncmp(expect, "fault ", 6) || expected_fault(expect + 6, &want)) {
		check_at(false, where, "a line neither \"fault K=V...\" nor \"none\"", expect);
		return;
	}
	check_at(found == 1, where, "no fault found in", text);
	if (found != 1)
		return;
	iommu_fault_describe(&got, got_s, sizeof(got_s));
	iommu_fault_describe(&want, want_s, sizeof(want_s));
	snprintf(detail, sizeof(detail), "got  %s (seq %" PRIu64 ")\n    want %s (seq %" PRIu64 ")",
		 got_s, got.seq, want_s, want.seq);
	check_at(same_fault(&got, &want), where, "a different fault", detail);
}

/* what a fixture says about the whole stream */
struct stream_expect {
	char reports[REPORTS_MAX][160];
	int nreports;
	uint64_t suppressed, lost;
};

struct stream_seen {
	char reports[REPORTS_MAX][160];
	int nreports;
};

static void collect(void *ctx, const struct iommu_fault *f)
{
	struct stream_seen *seen = ctx;

	if (seen->nreports < REPORTS_MAX)
		iommu_fault_describe(f, seen->reports[seen->nreports], sizeof(seen->reports[0]));
	seen->nreports++;
}

/* kmsg_read_faults() over fd (the log already written to it) against the fixture's stream lines */
static void check_stream(const char *path, const char *how, int fd, const struct stream_expect *want)
{
	struct kmsg_reader r = { .fd = fd };
	struct stream_seen seen = { .nreports = 0 };
	char where[600], detail[400];
	int n = kmsg_read_faults(&r, collect, &seen);

	snprintf(where, sizeof(where), "%s (%s)", path, how);
	snprintf(detail, sizeof(detail), "returned %d, reported %d, want %d", n, seen.nreports,
		 want->nreports);
	check_at(n == want->nreports && seen.nreports == want->nreports, where,
		 "a different number of reports", detail);
	for (int i = 0; i < want->nreports && i < seen.nreports; i++) {
		snprintf(detail, sizeof(detail), "got  %s\n    want %s", seen.reports[i], want->reports[i]);
		check_at(!strcmp(seen.reports[i], want->reports[i]), where, "a different report", detail);
	}
	snprintf(detail, sizeof(detail), "suppressed %" PRIu64 " (want %" PRIu64 "), lost %" PRIu64
		 " (want %" PRIu64 ")", r.suppressed, want->suppressed, r.lost, want->lost);
	check_at(r.suppressed == want->suppressed && r.lost == want->lost, where,
		 "different counts", detail);
	/* nothing more: a second read finds no new record */
	check_at(kmsg_read_faults(&r, collect, &seen) == 0, where, "a second read found more", "");
}

static bool write_all(int fd, const char *buf, size_t len)
{
	return write(fd, buf, len) == (ssize_t)len;
}

static int run_fixture(const char *path)
{
	struct stream_expect *want = calloc(1, sizeof(*want));
	char line[TEXT_MAX], text[TEXT_MAX], record[4 * TEXT_MAX], where[600];
	int pipefd[2] = { -1, -1 }, seqpacket[2] = { -1, -1 };
	size_t record_len = 0;
	int lineno = 0, text_line = 0, ret = 1;
	bool pending_text = false, ok = true;
	FILE *f = fopen(path, "r");

	if (!f || !want) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		goto out;
	}
	if (pipe2(pipefd, O_NONBLOCK) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, seqpacket)) {
		perror("pipe/socketpair");
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		lineno++;
		snprintf(where, sizeof(where), "%s:%d", path, text_line);
		if (pending_text) { /* the line after "line TEXT": what TEXT is */
			check_line(where, text, line);
			pending_text = false;
		} else if (!strncmp(line, "line ", 5)) {
			snprintf(text, sizeof(text), "%s", line + 5);
			text_line = lineno;
			pending_text = true;
			ok &= write_all(pipefd[1], text, strlen(text)) && write_all(pipefd[1], "\n", 1);
			/* one record per message: a line and the dictionary lines after it */
			if (text[0] != ' ' && record_len) {
				ok &= write_all(seqpacket[1], record, record_len);
				record_len = 0;
			}
			if (record_len + strlen(text) + 1 < sizeof(record))
				record_len += (size_t)sprintf(record + record_len, "%s\n", text);
			else
				ok = false;
		} else if (!strncmp(line, "report ", 7) && want->nreports < REPORTS_MAX) {
			snprintf(want->reports[want->nreports++], sizeof(want->reports[0]), "%s", line + 7);
		} else if (!strncmp(line, "suppressed ", 11)) {
			want->suppressed = strtoull(line + 11, NULL, 10);
		} else if (!strncmp(line, "lost ", 5)) {
			want->lost = strtoull(line + 5, NULL, 10);
		} else if (line[0] && line[0] != '#') {
			check_at(false, path, "a line of no known kind", line);
		}
	}
	if (record_len)
		ok &= write_all(seqpacket[1], record, record_len);
	check_at(!pending_text, path, "the last line has no expectation", text);
	check_at(ok, path, "the log did not fit in the pipe, the socket or a record", "");
	check_at(lineno > 0 && text_line > 0, path, "no lines", "");

	check_stream(path, "pipe", pipefd[0], want);
	check_stream(path, "one record per read", seqpacket[0], want);
	ret = unit_done(path);
out:
	for (int i = 0; i < 2; i++) {
		if (pipefd[i] >= 0)
			close(pipefd[i]);
		if (seqpacket[i] >= 0)
			close(seqpacket[i]);
	}
	if (f)
		fclose(f);
	free(want);
	return ret;
}

static void count_fault(void *ctx, const struct iommu_fault *f)
{
	(*(int *)ctx)++;
}

/* the whole of one /dev/kmsg read(): the text line and its dictionary lines */
static void test_whole_record(void)
{
	struct iommu_fault f;

	CHECK(kmsg_parse_fault("3,98765,16689981,-;arm-smmu-v3 9050000.smmuv3: event: F_TRANSLATION "
			       "client: 0000:00:01.0 sid: 0x8 ssid: 0x0 iova: 0x1200000 ipa: 0x0\n"
			       " SUBSYSTEM=platform\n DEVICE=+platform:9050000.smmuv3\n", &f) == 1);
	CHECK(f.source == FAULT_SRC_SMMUV3 && f.seq == 98765 && f.has_iova && f.iova == 0x1200000 &&
	      !f.has_dir && !strcmp(f.device, "0000:00:01.0") && !strcmp(f.reason, "F_TRANSLATION"));
	/* a dictionary line naming a device is no report */
	CHECK(kmsg_parse_fault(" DEVICE=+pci:0000:00:02.0", &f) == 0);
	/* line ends */
	CHECK(kmsg_parse_fault("DMAR: [DMA Read NO_PASID] Request device [0000:00:02.0] fault addr "
			       "0x1000 [fault reason 0x06] PTE Read access is not set\r\n", &f) == 1);
	CHECK(!strcmp(f.reason, "fault reason 0x06 PTE Read access is not set") && f.seq == 0);
	CHECK(kmsg_parse_fault("", &f) == 0);
}

static void test_names_and_summaries(void)
{
	struct iommu_fault f = { .source = FAULT_SRC_SMMUV3, .device = "0000:00:02.0",
				 .iova = 0x1200000, .has_iova = true, .write = true, .has_dir = true,
				 .reason = "F_TRANSLATION" };
	char buf[128], tiny[8];

	CHECK(!strcmp(iommu_fault_source_name(FAULT_SRC_VTD), "vt-d"));
	CHECK(!strcmp(iommu_fault_source_name(FAULT_SRC_AMD_VI), "amd-vi"));
	CHECK(!strcmp(iommu_fault_source_name(FAULT_SRC_VIRTIO), "virtio-iommu"));
	CHECK(!strcmp(iommu_fault_source_name(FAULT_SRC_RISCV), "riscv-iommu"));
	CHECK(!strcmp(iommu_fault_source_name((enum iommu_fault_source)7), "?"));
	iommu_fault_describe(&f, buf, sizeof(buf));
	CHECK(!strcmp(buf, "smmuv3 F_TRANSLATION 0000:00:02.0 write iova 0x1200000"));
	iommu_fault_describe(&f, tiny, sizeof(tiny));
	CHECK(!strcmp(tiny, "smmuv3 "));
	f = (struct iommu_fault){ .source = FAULT_SRC_VTD, .reason = "fault reason 0x22 x" };
	iommu_fault_describe(&f, buf, sizeof(buf));
	CHECK(!strcmp(buf, "vt-d fault reason 0x22 x"));
}

/* longer than what the parser looks at, and longer than a read */
static void test_long_lines(void)
{
	static const char report[] = "DMAR: [DMA Write NO_PASID] Request device [0000:00:02.0] fault "
				     "addr 0x1000 [fault reason 0x05] PTE Write access is not set\n";
	static char line[20000];
	struct iommu_fault f;
	int fds[2], n = 0;
	struct kmsg_reader r;

	memset(line, 'x', sizeof(line) - 1);
	memcpy(line, "DMAR: [DMA Write", 16);
	CHECK(kmsg_parse_fault(line, &f) == 0);
	if (pipe2(fds, O_NONBLOCK)) {
		CHECK(!"pipe");
		return;
	}
	/* a line longer than the reader keeps is dropped; the report after it still counts */
	line[sizeof(line) - 2] = '\n';
	CHECK(write_all(fds[1], line, sizeof(line) - 1));
	CHECK(write_all(fds[1], report, sizeof(report) - 1));
	r = (struct kmsg_reader){ .fd = fds[0] };
	CHECK(kmsg_read_faults(&r, count_fault, &n) == 1 && n == 1);
	close(fds[0]);
	close(fds[1]);
}

/* many records in one call: lines cross the reader's buffer edges */
static void test_many_records(void)
{
	char rec[256];
	int fds[2], n = 0, len;
	struct kmsg_reader r;
	bool ok = true;

	if (pipe2(fds, O_NONBLOCK)) {
		CHECK(!"pipe");
		return;
	}
	for (int i = 0; i < 300; i++) {
		len = snprintf(rec, sizeof(rec), "3,%d,%d,-;DMAR: [DMA Read NO_PASID] Request device "
			       "[0000:00:02.0] fault addr 0x%x [fault reason 0x06] PTE Read access is "
			       "not set\n", 1000 + i, i, i << 12);
		ok &= write_all(fds[1], rec, (size_t)len);
	}
	CHECK(ok);
	r = (struct kmsg_reader){ .fd = fds[0] };
	CHECK(kmsg_read_faults(&r, count_fault, &n) == 300 && n == 300);
	CHECK(r.lost == 0 && r.last_seq == 1299);
	/* no callback: still counted */
	CHECK(write_all(fds[1], rec, (size_t)len));
	CHECK(kmsg_read_faults(&r, NULL, NULL) == 1);
	close(fds[0]);
	close(fds[1]);
}

/* an SMMUv3 event line the last of a read is reported then; its access line later is not joined */
static void test_held_until_the_end(void)
{
	static const char event[] = "arm-smmu-v3 9050000.smmuv3: event: F_TRANSLATION client: "
				    "0000:00:01.0 sid: 0x8 ssid: 0x0 iova: 0x1200000 ipa: 0x0\n";
	static const char access[] = "arm-smmu-v3 9050000.smmuv3: unpriv data write s1 \"Input "
				     "address caused fault\" stag: 0x0\n";
	int fds[2], n = 0;
	struct kmsg_reader r;

	if (pipe2(fds, O_NONBLOCK)) {
		CHECK(!"pipe");
		return;
	}
	r = (struct kmsg_reader){ .fd = fds[0] };
	CHECK(write_all(fds[1], event, sizeof(event) - 1));
	CHECK(kmsg_read_faults(&r, count_fault, &n) == 1 && n == 1 && !r.holding);
	CHECK(write_all(fds[1], access, sizeof(access) - 1));
	CHECK(kmsg_read_faults(&r, count_fault, &n) == 0 && n == 1);
	/* at the end of a file or pipe the last line needs no newline */
	CHECK(write_all(fds[1], event, sizeof(event) - 2));
	close(fds[1]);
	CHECK(kmsg_read_faults(&r, count_fault, &n) == 1 && n == 2);
	close(fds[0]);
}

static void test_errors_and_real_kmsg(void)
{
	struct kmsg_reader r = { .fd = -1 };
	int ret;

	CHECK(kmsg_read_faults(&r, NULL, NULL) == -EBADF);
	kmsg_close(&r);
	ret = kmsg_open(&r);
	if (ret == -EPERM || ret == -EACCES || ret == -ENOENT) {
		printf("# /dev/kmsg not readable here (%s): the reader is tested on pipes only\n",
		       strerror(-ret));
		CHECK(r.fd == -1);
		return;
	}
	CHECK(ret == 0);
	if (ret)
		return;
	/* at the end of the log, without blocking: only records logged since */
	CHECK(kmsg_read_faults(&r, NULL, NULL) >= 0);
	kmsg_close(&r);
	CHECK(r.fd == -1);
	kmsg_close(&r);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return run_fixture(argv[1]);
	test_whole_record();
	test_names_and_summaries();
	test_long_lines();
	test_many_records();
	test_held_until_the_end();
	test_errors_and_real_kmsg();
	return unit_done("kmsg");
}
