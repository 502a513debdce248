/*
 * Unit tests for src/reply.c: the documents it writes, compared as
 * exact text, and xml_clean, whose output must always be valid UTF-8
 * that XML 1.0 allows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cf.h"
#include "reply.h"
#include "validate.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define HEAD		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define FFFD		"\xef\xbf\xbd"

/* Bytes as hex, for messages. */
static const char *
hex(const char *s)
{
	static char	 buf[2][256];
	static int	 k;
	char		*o = buf[k ^= 1];
	size_t		 n = 0;

	for (; *s != '\0' && n + 4 < sizeof(buf[0]); s++)
		n += (size_t)snprintf(o + n, 4, "%02x ", (unsigned char)*s);
	o[n] = '\0';
	return o;
}

/* The reply's text; the reply is freed. */
static char *
text_of(struct reply *r)
{
	char	*t;
	size_t	 len;

	assert_non_null(t = reply_text(r, &len));
	assert_int_equal(strlen(t), len);
	assert_true(utf8_valid(t, len));
	reply_free(r);
	return t;
}

static void
check_text(struct reply *r, const char *want)
{
	char	*t = text_of(r);

	assert_string_equal(t, want);
	free(t);
}

static void
test_empty(void **state)
{
	struct reply	*r;

	assert_non_null(r = reply_new());
	check_text(r, HEAD "<doc/>\n");
	reply_free(NULL);
}

static void
test_rows(void **state)
{
	struct reply	*r;

	assert_non_null(r = reply_new());
	reply_col(r, "lost", "before any row");	/* no row yet: ignored */
	reply_row(r);
	reply_col(r, "name", "www.example.com");
	reply_col(r, "type", "A");
	reply_row(r);
	reply_col(r, "name", "mail.example.com");
	reply_col(r, "comment", NULL);
	check_text(r, HEAD
	    "<doc>\n"
	    "  <elem>\n"
	    "    <name>www.example.com</name>\n"
	    "    <type>A</type>\n"
	    "  </elem>\n"
	    "  <elem>\n"
	    "    <name>mail.example.com</name>\n"
	    "    <comment></comment>\n"
	    "  </elem>\n"
	    "</doc>\n");
}

static void
test_fields(void **state)
{
	struct reply	*r;

	assert_non_null(r = reply_new());
	reply_field(r, "name", "example.com");
	reply_field(r, "ttl", "3600");
	reply_field(r, "comment", "");
	reply_field(r, "note", NULL);
	reply_field(r, "ru", "Привет");
	check_text(r, HEAD
	    "<doc>\n"
	    "  <name>example.com</name>\n"
	    "  <ttl>3600</ttl>\n"
	    "  <comment></comment>\n"
	    "  <note></note>\n"
	    "  <ru>Привет</ru>\n"
	    "</doc>\n");
}

static void
test_slists(void **state)
{
	struct reply	*r;

	assert_non_null(r = reply_new());
	reply_slist_msg(r, "lost");		/* no slist yet: ignored */
	reply_slist(r, "type");
	reply_slist_msg(r, "A");
	reply_slist_msg(r, "AAAA");
	reply_slist(r, "account");
	reply_slist_val(r, "0123456789abcdef0123456789abcdef", "My account");
	reply_slist_val(r, "", "");
	reply_field(r, "name", "x");
	reply_row(r);				/* a row ends the slist */
	reply_slist_msg(r, "lost");
	reply_slist_val(r, "lost", "lost");
	check_text(r, HEAD
	    "<doc>\n"
	    "  <slist name=\"type\">\n"
	    "    <msg>A</msg>\n"
	    "    <msg>AAAA</msg>\n"
	    "  </slist>\n"
	    "  <slist name=\"account\">\n"
	    "    <val key=\"0123456789abcdef0123456789abcdef\">My account"
	    "</val>\n"
	    "    <val key=\"\"></val>\n"
	    "  </slist>\n"
	    "  <name>x</name>\n"
	    "  <elem/>\n"
	    "</doc>\n");
}

static void
test_ok(void **state)
{
	struct reply	*r;

	assert_non_null(r = reply_new());
	reply_ok(r);
	check_text(r, HEAD "<doc>\n  <ok/>\n</doc>\n");
}

static void
test_error_replaces(void **state)
{
	struct reply	*r;
	struct err	 e;

	assert_non_null(r = reply_new());
	reply_row(r);
	reply_col(r, "name", "www");
	reply_slist(r, "type");
	reply_slist_msg(r, "A");
	reply_field(r, "ttl", "1");
	reply_ok(r);
	err_clear(&e);
	err_set(&e, "value", "name", "Bad name «%s».", "x");
	reply_error(r, &e);
	/* Nothing added after the error lands in a stale row or slist. */
	reply_col(r, "name", "late");
	reply_slist_msg(r, "late");
	check_text(r, HEAD
	    "<doc>\n"
	    "  <error type=\"value\" object=\"name\">\n"
	    "    <msg>Bad name «x».</msg>\n"
	    "  </error>\n"
	    "</doc>\n");

	/* No type becomes internal; no object, no attribute. */
	assert_non_null(r = reply_new());
	err_clear(&e);
	cf_strlcpy(e.msg, "Oops", sizeof(e.msg));
	reply_error(r, &e);
	check_text(r, HEAD
	    "<doc>\n"
	    "  <error type=\"internal\">\n"
	    "    <msg>Oops</msg>\n"
	    "  </error>\n"
	    "</doc>\n");

	/* A second error replaces the first. */
	assert_non_null(r = reply_new());
	err_clear(&e);
	err_set(&e, "access", "", "first");
	reply_error(r, &e);
	err_set(&e, "missed", "elid", "second");
	reply_error(r, &e);
	check_text(r, HEAD
	    "<doc>\n"
	    "  <error type=\"missed\" object=\"elid\">\n"
	    "    <msg>second</msg>\n"
	    "  </error>\n"
	    "</doc>\n");
}

static void
test_escaping(void **state)
{
	struct reply	*r;
	struct err	 e;

	assert_non_null(r = reply_new());
	reply_field(r, "f", "<b>&amp; \"q\" 'a' </f>");
	reply_field(r, "g", "]]> <!-- --> <?pi?>");
	reply_slist(r, "s\"<&'>");
	reply_slist_val(r, "k\"<&'>", "v\"<&'>");
	reply_row(r);
	reply_col(r, "c", "a<b");
	check_text(r, HEAD
	    "<doc>\n"
	    "  <f>&lt;b&gt;&amp;amp; &quot;q&quot; 'a' &lt;/f&gt;</f>\n"
	    "  <g>]]&gt; &lt;!-- --&gt; &lt;?pi?&gt;</g>\n"
	    "  <slist name=\"s&quot;&lt;&amp;'&gt;\">\n"
	    "    <val key=\"k&quot;&lt;&amp;'&gt;\">v&quot;&lt;&amp;'&gt;</val>\n"
	    "  </slist>\n"
	    "  <elem>\n"
	    "    <c>a&lt;b</c>\n"
	    "  </elem>\n"
	    "</doc>\n");

	/* The error's attributes and message are escaped too. */
	assert_non_null(r = reply_new());
	err_clear(&e);
	err_set(&e, "value", "a\"b", "<script>alert('x')</script> & more");
	reply_error(r, &e);
	check_text(r, HEAD
	    "<doc>\n"
	    "  <error type=\"value\" object=\"a&quot;b\">\n"
	    "    <msg>&lt;script&gt;alert('x')&lt;/script&gt; &amp; more"
	    "</msg>\n"
	    "  </error>\n"
	    "</doc>\n");
}

/* Bad bytes in replies come out as U+FFFD, in text and attributes. */
static void
test_reply_bad_bytes(void **state)
{
	struct reply	*r;

	assert_non_null(r = reply_new());
	reply_field(r, "f", "a\xff" "b\x01" "c\x0b" "d");
	reply_slist(r, "s");
	reply_slist_val(r, "k\xc0\xaf", "v\xed\xa0\x80");
	check_text(r, HEAD
	    "<doc>\n"
	    "  <f>a" FFFD "b" FFFD "c" FFFD "d</f>\n"
	    "  <slist name=\"s\">\n"
	    "    <val key=\"k" FFFD FFFD "\">v" FFFD FFFD FFFD "</val>\n"
	    "  </slist>\n"
	    "</doc>\n");
}

static void
test_xml_clean(void **state)
{
	static const struct {
		const char	*in, *out;
	} c[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "Привет, мир", "Привет, мир" },
		{ "emoji \xf0\x9f\x98\x80", "emoji \xf0\x9f\x98\x80" },
		{ "\xef\xbf\xbd", "\xef\xbf\xbd" },		/* U+FFFD stays */
		{ "\xee\x80\x80", "\xee\x80\x80" },		/* U+E000 */
		{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },	/* U+10FFFF */
		{ "tab\tnl\ncr\r", "tab\tnl\ncr\r" },
		{ "\x7f", "\x7f" },
		{ "\xff", FFFD },
		{ "a\xff" "b", "a" FFFD "b" },
		{ "\xfe\xff", FFFD FFFD },
		{ "\x80", FFFD },
		{ "\xc3", FFFD },				/* truncated */
		{ "\xc3" "a", FFFD "a" },
		{ "\xe2\x82", FFFD FFFD },
		{ "\xe2\x82" "x", FFFD FFFD "x" },
		{ "\xf0\x9f\x98", FFFD FFFD FFFD },
		{ "\xc0\xaf", FFFD FFFD },			/* overlong */
		{ "\xe0\x80\xaf", FFFD FFFD FFFD },
		{ "\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD },
		{ "\xed\xa0\x80", FFFD FFFD FFFD },		/* surrogate */
		{ "\xed\xbf\xbf", FFFD FFFD FFFD },
		{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD },	/* > U+10FFFF */
		{ "\x01", FFFD },
		{ "a\x1f" "b", "a" FFFD "b" },
		{ "\x1b[31m", FFFD "[31m" },
		{ "\xef\xbf\xbe", FFFD },			/* U+FFFE */
		{ "\xef\xbf\xbf", FFFD },			/* U+FFFF */
		{ "ok\xef\xbf\xbeok", "ok" FFFD "ok" },
	};
	char	*out;
	size_t	 i;
	int	 bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		assert_non_null(out = xml_clean(c[i].in));
		if (strcmp(out, c[i].out) != 0 ||
		    !utf8_valid(out, strlen(out))) {
			print_error("xml_clean case %zu: input [%s]: got [%s], ",
			    i, hex(c[i].in), hex(out));
			print_error("expected [%s]\n", hex(c[i].out));
			bad++;
		}
		free(out);
	}
	assert_non_null(out = xml_clean(NULL));
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(bad, 0);
}

/* Whatever the bytes, the result is valid UTF-8 that XML allows. */
static int
clean_ok(const unsigned char *in)
{
	const unsigned char	*p;
	char			*out;
	int			 ok;

	if ((out = xml_clean((const char *)in)) == NULL)
		return 0;
	ok = utf8_valid(out, strlen(out));
	for (p = (const unsigned char *)out; ok && *p != '\0'; p++)
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			ok = 0;
	if (ok && (strstr(out, "\xef\xbf\xbe") || strstr(out, "\xef\xbf\xbf")))
		ok = 0;
	free(out);
	return ok;
}

static void
test_xml_clean_always_valid(void **state)
{
	unsigned char	 buf[8];
	unsigned int	 a, b, c, seed = 12345;
	int		 i, k, bad = 0;

	/* Every one- and two-byte string. */
	for (a = 1; a < 256; a++)
		for (b = 0; b < 256; b++) {
			buf[0] = (unsigned char)a;
			buf[1] = (unsigned char)b;
			buf[2] = '\0';
			if (!clean_ok(buf) && bad++ < 5)
				print_error("xml_clean %02x %02x\n", a, b);
		}
	/* Every three-byte string with a lead byte of a long sequence. */
	for (a = 0xe0; a < 0x100; a++)
		for (b = 1; b < 256; b++)
			for (c = 0; c < 256; c += 3) {
				buf[0] = (unsigned char)a;
				buf[1] = (unsigned char)b;
				buf[2] = (unsigned char)c;
				buf[3] = '\0';
				if (!clean_ok(buf) && bad++ < 5)
					print_error("xml_clean %02x %02x %02x\n",
					    a, b, c);
			}
	/* Random strings, biased towards high bytes. */
	for (i = 0; i < 200000; i++) {
		for (k = 0; k < 7; k++) {
			seed = seed * 1103515245 + 12345;
			buf[k] = (unsigned char)((seed >> 16) | 0x80);
			if ((seed & 7) == 0)
				buf[k] = (unsigned char)((seed >> 20) & 0x7f);
			if (buf[k] == 0)
				buf[k] = 1;
		}
		buf[7] = '\0';
		if (!clean_ok(buf) && bad++ < 5)
			print_error("xml_clean random %d\n", i);
	}
	assert_int_equal(bad, 0);
}

static void
test_write(void **state)
{
	struct reply	*r;
	char		 path[] = "/tmp/test_reply.XXXXXX", buf[4096], *t;
	size_t		 len;
	ssize_t		 n;
	int		 fd;

	assert_non_null(r = reply_new());
	reply_field(r, "name", "example.com");
	reply_ok(r);
	assert_non_null(t = reply_text(r, &len));
	assert_true((fd = mkstemp(path)) != -1);
	unlink(path);
	assert_int_equal(reply_write(r, fd), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_int_equal(n, (ssize_t)len);
	buf[n] = '\0';
	assert_string_equal(buf, t);
	close(fd);
	free(t);

	/* A write that cannot happen is reported. */
	assert_int_equal(reply_write(r, -1), -1);
	reply_free(r);

	/* No reply at all still gives a well-formed error document. */
	assert_non_null(t = reply_text(NULL, &len));
	assert_int_equal(strlen(t), len);
	assert_non_null(strstr(t, "<error type=\"internal\">"));
	assert_true(utf8_valid(t, len));
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_slists),
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_error_replaces),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_reply_bad_bytes),
		cmocka_unit_test(test_xml_clean),
		cmocka_unit_test(test_xml_clean_always_valid),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
