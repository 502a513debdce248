/*
 * Unit tests for src/validate.c: every parameter validator, the
 * building blocks and the record content checks.  Each test runs a
 * table of cases, prints every case that fails with its input, and
 * fails once at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cf.h"
#include "validate.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Long literals built at compile time. */
#define A10	"aaaaaaaaaa"
#define A50	A10 A10 A10 A10 A10
#define A61	A50 A10 "a"
#define A62	A50 A10 "aa"
#define A63	A50 A10 "aaa"
#define A64	A50 A10 "aaaa"
#define X10	"xxxxxxxxxx"
#define X100	X10 X10 X10 X10 X10 X10 X10 X10 X10 X10
#define X1000	X100 X100 X100 X100 X100 X100 X100 X100 X100 X100
#define X1024	X1000 X10 X10 "xxxx"
#define H32	"0123456789abcdef0123456789abcdef"
#define TOK40	"abcdefghijABCDEFGHIJ0123456789-_abcdefgh"
#define YA10	"яяяяяяяяяя"

/* The input as a C literal would show it, clipped, for messages. */
static const char *
show(const char *s)
{
	static char	 buf[4][200];
	static int	 k;
	char		*o = buf[k = (k + 1) % 4];
	size_t		 n = 0, len;
	int		 utf8;

	if (s == NULL)
		return "(null)";
	len = strlen(s);
	utf8 = utf8_valid(s, len);
	for (; *s != '\0' && n < sizeof(buf[0]) - 24; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 0x20 && c < 0x7f && c != '\\') || (utf8 && c >= 0x80))
			o[n++] = (char)c;
		else
			n += (size_t)snprintf(o + n, 5, "\\x%02x", c);
	}
	if (*s != '\0')
		n += (size_t)snprintf(o + n, 24, "...(%zu bytes)", len);
	o[n] = '\0';
	return o;
}

/* A validator case: rc expected; on success the normalised value. */
struct vcase {
	const char	*in;
	int		 rc;
	const char	*out;	/* NULL: unchanged */
};

/*
 * Run a validator over its cases.  A refusal must set the error type
 * (etype) and name the field; a success must leave the error alone.
 */
static int
run_vcases(const char *vname, validator v, const struct vcase *c, size_t n,
    const char *etype)
{
	struct err	 err;
	char		*buf;
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < n; i++) {
		err_clear(&err);
		assert_non_null(buf = strdup(c[i].in));
		rc = v(buf, "fld", &err);
		if (rc != c[i].rc) {
			print_error("%s case %zu: input \"%s\": returned %d, "
			    "expected %d (%s)\n", vname, i, show(c[i].in), rc,
			    c[i].rc, err.msg);
			bad++;
		} else if (rc == 0 && strcmp(buf, c[i].out ? c[i].out :
		    c[i].in) != 0) {
			print_error("%s case %zu: input \"%s\": became \"%s\", "
			    "expected \"%s\"\n", vname, i, show(c[i].in),
			    show(buf), show(c[i].out ? c[i].out : c[i].in));
			bad++;
		} else if (rc == 0 && err_isset(&err)) {
			print_error("%s case %zu: input \"%s\": accepted but "
			    "set an error\n", vname, i, show(c[i].in));
			bad++;
		} else if (rc == -1 && (strcmp(err.type, etype) != 0 ||
		    strcmp(err.object, "fld") != 0 || err.msg[0] == '\0')) {
			print_error("%s case %zu: input \"%s\": error type "
			    "\"%s\" object \"%s\" msg \"%s\"\n", vname, i,
			    show(c[i].in), err.type, err.object, err.msg);
			bad++;
		}
		free(buf);
	}
	return bad;
}

#define RUN(v, cases, etype) \
	assert_int_equal(run_vcases(#v, v, cases, NELEM(cases), etype), 0)

static void
test_v_text(void **state)
{
	static const struct vcase c[] = {
		{ "hello", 0, NULL },
		{ "", 0, NULL },
		{ "Привет, мир", 0, NULL },
		{ "emoji \xf0\x9f\x98\x80", 0, NULL },
		{ X1024, 0, NULL },
		{ X1024 "x", -1, NULL },
		{ "a\tb", -1, NULL },
		{ "a\nb", -1, NULL },
		{ "a\rb", -1, NULL },
		{ "\x01", -1, NULL },
		{ "del\x7f", -1, NULL },
		{ "\xff", -1, NULL },
		{ "\xc0\xaf", -1, NULL },
		{ "\xed\xa0\x80", -1, NULL },
	};

	RUN(v_text, c, "value");
}

static void
test_v_multiline(void **state)
{
	static const struct vcase c[] = {
		{ "line one\nline two\r\n\tindented", 0, NULL },
		{ "", 0, NULL },
		{ "Строка\nещё строка", 0, NULL },
		{ X1024 "x", 0, NULL },
		{ "a\x01" "b", -1, NULL },
		{ "a\x7f", -1, NULL },
		{ "\x1b[31m", -1, NULL },
		{ "\xff\xfe", -1, NULL },
		{ "trunc \xe2\x82", -1, NULL },
	};
	struct err	 err;
	char		*big;
	size_t		 max = 256 * 1024;

	RUN(v_multiline, c, "value");

	/* At the bound, and one byte over it. */
	assert_non_null(big = malloc(max + 2));
	memset(big, 'x', max + 1);
	big[max] = '\0';
	err_clear(&err);
	assert_int_equal(v_multiline(big, "fld", &err), 0);
	big[max] = 'x';
	big[max + 1] = '\0';
	assert_int_equal(v_multiline(big, "fld", &err), -1);
	assert_string_equal(err.type, "value");
	assert_string_equal(err.object, "fld");
	free(big);
}

static void
test_v_onoff(void **state)
{
	static const struct vcase c[] = {
		{ "on", 0, NULL },
		{ "off", 0, NULL },
		{ "", -1, NULL },
		{ "On", -1, NULL },
		{ "yes", -1, NULL },
		{ "1", -1, NULL },
		{ "on ", -1, NULL },
		{ "onn", -1, NULL },
	};

	RUN(v_onoff, c, "value");
}

static void
test_v_uint(void **state)
{
	static const struct vcase c[] = {
		{ "", 0, NULL },
		{ "0", 0, NULL },
		{ "42", 0, NULL },
		{ "4294967295", 0, NULL },
		{ "4294967296", -1, NULL },
		{ "99999999999999999999999", -1, NULL },
		{ "-1", -1, NULL },
		{ "+1", -1, NULL },
		{ " 1", -1, NULL },
		{ "1 ", -1, NULL },
		{ "1.5", -1, NULL },
		{ "1e3", -1, NULL },
		{ "abc", -1, NULL },
		{ "0x10", -1, NULL },
	};

	RUN(v_uint, c, "value");
}

static void
test_v_domain(void **state)
{
	static const struct vcase c[] = {
		{ "example.com", 0, NULL },
		{ "shop.example.co.uk", 0, NULL },
		{ "Example.COM", 0, "example.com" },
		{ "example.com.", 0, "example.com" },
		{ "WWW.Example.Com.", 0, "www.example.com" },
		{ "xn--e1afmkfd.xn--p1ai", 0, NULL },
		{ "a-b.example", 0, NULL },
		{ "1.2.3.example", 0, NULL },
		{ A63 ".com", 0, NULL },
		{ A63 "." A63 "." A63 "." A61, 0, NULL },	/* 253 */
		{ A63 "." A63 "." A63 "." A62, -1, NULL },	/* 254 */
		{ A64 ".com", -1, NULL },
		{ "пример.рф", -1, NULL },
		{ "m\xc3\xbcller.de", -1, NULL },
		{ "localhost", -1, NULL },
		{ "com", -1, NULL },
		{ "com.", -1, NULL },
		{ "", -1, NULL },
		{ ".", -1, NULL },
		{ ".example.com", -1, NULL },
		{ "example.com..", -1, NULL },
		{ "a..example.com", -1, NULL },
		{ "-a.example.com", -1, NULL },
		{ "a-.example.com", -1, NULL },
		{ "a_b.example.com", -1, NULL },
		{ "*.example.com", -1, NULL },
		{ "example.com/x", -1, NULL },
		{ "example.com x", -1, NULL },
		{ "example.com\n", -1, NULL },
		{ "../etc", -1, NULL },
	};

	RUN(v_domain, c, "value");
}

static void
test_v_domains(void **state)
{
	static const struct vcase c[] = {
		{ "example.com", 0, NULL },
		{ "a.com, b.org", 0, NULL },
		{ "a.com,b.org", 0, NULL },
		{ "A.com, B.ORG", 0, "a.com, b.org" },
		/* Normalised as v_domain normalises a single name. */
		{ "a.com., b.org", 0, "a.com, b.org" },
		{ "", -1, NULL },
		{ ",", -1, NULL },
		{ "a.com,", -1, NULL },
		{ "a.com, ", -1, NULL },
		{ ", a.com", -1, NULL },
		{ "a.com,,b.org", -1, NULL },
		{ "a.com, , b.org", -1, NULL },
		{ "a.com, localhost", -1, NULL },
		{ "a.com, bad_name.org", -1, NULL },
		{ "a.com; b.org", -1, NULL },
	};
	struct err	 err;
	char		*list;
	size_t		 i, len = 0;

	RUN(v_domains, c, "value");

	/* 500 items are fine, 501 are too many. */
	assert_non_null(list = malloc(501 * 12 + 1));
	for (i = 0; i < 500; i++)
		len += (size_t)sprintf(list + len, "%sd%03zu.com",
		    i ? ", " : "", i);
	err_clear(&err);
	assert_int_equal(v_domains(list, "fld", &err), 0);
	sprintf(list + len, ", d500.com");
	assert_int_equal(v_domains(list, "fld", &err), -1);
	assert_string_equal(err.type, "value");
	assert_string_equal(err.object, "fld");
	free(list);
}

static void
test_v_cfid(void **state)
{
	static const struct vcase c[] = {
		{ H32, 0, NULL },
		{ "ffffffffffffffffffffffffffffffff", 0, NULL },
		{ "0123456789ABCDEF0123456789ABCDEF", -1, NULL },
		{ "0123456789abcdef0123456789abcde", -1, NULL },
		{ H32 "0", -1, NULL },
		{ "g123456789abcdef0123456789abcdef", -1, NULL },
		{ "", -1, NULL },
		{ "../../../../../../../../../../..", -1, NULL },
		{ "0123456789abcdef/123456789abcdef", -1, NULL },
		{ " 0123456789abcdef0123456789abcde", -1, NULL },
	};
	static const struct vcase opt[] = {
		{ "", 0, NULL },
		{ H32, 0, NULL },
		{ "new", -1, NULL },
		{ " ", -1, NULL },
		{ H32 "0", -1, NULL },
	};
	static const struct vcase ids[] = {
		{ H32, 0, NULL },
		{ H32 ", ffffffffffffffffffffffffffffffff", 0, NULL },
		{ H32 "," H32, 0, NULL },
		{ "", -1, NULL },
		{ H32 ",", -1, NULL },
		{ H32 ",," H32, -1, NULL },
		{ H32 ", xyz", -1, NULL },
		{ H32 ", " H32 "0", -1, NULL },
	};

	RUN(v_cfid, c, "value");
	RUN(v_cfid_opt, opt, "value");
	RUN(v_cfids, ids, "value");
}

static void
test_is_cfid(void **state)
{
	static const struct {
		const char	*in;
		int		 ok;
	} c[] = {
		{ H32, 1 },
		{ "", 0 },
		{ "abc", 0 },
		{ H32 "a", 0 },
		{ "0123456789ABCDEF0123456789abcdef", 0 },
		{ "0123456789abcdef0123456789abcdeg", 0 },
	};
	size_t	 i;
	int	 bad = 0;

	for (i = 0; i < NELEM(c); i++)
		if (is_cfid(c[i].in) != c[i].ok) {
			print_error("is_cfid case %zu: input \"%s\": expected "
			    "%d\n", i, show(c[i].in), c[i].ok);
			bad++;
		}
	assert_int_equal(bad, 0);
}

static void
test_v_token(void **state)
{
	static const struct vcase c[] = {
		{ TOK40, 0, NULL },
		{ "", 0, NULL },			/* clears the token */
		{ "   ", 0, "" },
		{ "  " TOK40 "  ", 0, TOK40 },
		{ "\t" TOK40 "\r\n", 0, TOK40 },
		{ TOK40 "\n", 0, TOK40 },
		{ "abcdefghij0123456789", 0, NULL },	/* 20 */
		{ "a.b~c+d/e=f-g_h12345", 0, NULL },
		{ X100 X100 X10 X10 X10 X10 X10 "xxxxxx", 0, NULL },	/* 256 */
		{ X100 X100 X10 X10 X10 X10 X10 "xxxxxxx", -1, NULL },	/* 257 */
		{ "abcdefghij012345678", -1, NULL },	/* 19 */
		{ "short", -1, NULL },
		{ "\"" TOK40 "\"", -1, NULL },
		{ TOK40 "'", -1, NULL },
		{ "abcdefghij\nABCDEFGHIJ0123456789", -1, NULL },
		{ "abcdefghij\rABCDEFGHIJ0123456789", -1, NULL },
		{ "abcdefghij ABCDEFGHIJ0123456789", -1, NULL },
		{ "Bearer " TOK40, -1, NULL },
		{ TOK40 ";x", -1, NULL },
		{ TOK40 "\x01", -1, NULL },
		{ "токентокентокентокентокен", -1, NULL },
	};

	RUN(v_token, c, "value");
}

static void
test_v_user(void **state)
{
	static const struct vcase c[] = {
		{ "alice", 0, NULL },
		{ "bob_2", 0, NULL },
		{ "a.b-c", 0, NULL },
		{ "Admin", 0, NULL },
		{ A64, 0, NULL },
		{ A64 "a", -1, NULL },
		{ "", -1, NULL },
		{ "../x", -1, NULL },
		{ "..", -1, NULL },
		{ ".hidden", -1, NULL },
		{ "-rf", -1, NULL },
		{ "a/b", -1, NULL },
		{ "a b", -1, NULL },
		{ "a\nb", -1, NULL },
		{ "алиса", -1, NULL },
		{ "a$b", -1, NULL },
	};

	/* The panel, not the user, names the user: an access error. */
	RUN(v_user, c, "access");
}

static void
test_v_func(void **state)
{
	static const struct vcase c[] = {
		{ "cloudflare.dns", 0, NULL },
		{ "cloudflare.dns.edit", 0, NULL },
		{ "cloudflare.zone_settings", 0, NULL },
		{ A10 A50 "aaa", 0, NULL },		/* 63 */
		{ A64, -1, NULL },
		{ "", -1, NULL },
		{ "Cloudflare.dns", -1, NULL },
		{ "cloudflare.dns2", -1, NULL },
		{ "cloudflare dns", -1, NULL },
		{ "cloudflare/dns", -1, NULL },
		{ "cloudflare-dns", -1, NULL },
	};

	RUN(v_func, c, "value");
}

static void
test_v_dnstype(void **state)
{
	static const struct vcase c[] = {
		{ "A", 0, NULL },
		{ "a", 0, "A" },
		{ "aaaa", 0, "AAAA" },
		{ "Cname", 0, "CNAME" },
		{ "mx", 0, "MX" },
		{ "TXT", 0, NULL },
		{ "ns", 0, "NS" },
		{ "srv", 0, "SRV" },
		{ "cAa", 0, "CAA" },
		{ "", -1, NULL },
		{ "PTR", -1, NULL },
		{ "SOA", -1, NULL },
		{ "A ", -1, NULL },
		{ " A", -1, NULL },
		{ "AA", -1, NULL },
		{ "A\n", -1, NULL },
	};

	RUN(v_dnstype, c, "value");
}

static void
test_v_dnsname(void **state)
{
	static const struct vcase c[] = {
		{ "@", 0, NULL },
		{ "", 0, NULL },
		{ "www", 0, NULL },
		{ "WWW", 0, "www" },
		{ "*.a", 0, NULL },
		{ "*", -1, NULL },
		{ "_sip._tcp", 0, NULL },
		{ "_dmarc", 0, NULL },
		{ "sel._domainkey", 0, NULL },
		{ "www.example.com.", 0, "www.example.com" },
		{ "Mail.Example.com", 0, "mail.example.com" },
		{ A63, 0, NULL },
		{ A64, -1, NULL },
		{ ".", -1, NULL },
		{ "a..b", -1, NULL },
		{ ".www", -1, NULL },
		{ "-www", -1, NULL },
		{ "www-", -1, NULL },
		{ "a b", -1, NULL },
		{ "a.*.b", -1, NULL },
		{ "**.a", -1, NULL },
		{ "@.a", -1, NULL },
		{ "a/b", -1, NULL },
		{ "имя", -1, NULL },
	};

	RUN(v_dnsname, c, "value");
}

static void
test_v_ttl(void **state)
{
	static const struct vcase c[] = {
		{ "", 0, NULL },
		{ "1", 0, NULL },
		{ "60", 0, NULL },
		{ "3600", 0, NULL },
		{ "86400", 0, NULL },
		{ "0", -1, NULL },
		{ "2", -1, NULL },
		{ "59", -1, NULL },
		{ "86401", -1, NULL },
		{ "4294967356", -1, NULL },
		{ "abc", -1, NULL },
		{ "-1", -1, NULL },
		{ "60s", -1, NULL },
		{ "1.0", -1, NULL },
	};

	RUN(v_ttl, c, "value");
}

static void
test_v_priority(void **state)
{
	static const struct vcase c[] = {
		{ "", 0, NULL },
		{ "0", 0, NULL },
		{ "10", 0, NULL },
		{ "65535", 0, NULL },
		{ "65536", -1, NULL },
		{ "-1", -1, NULL },
		{ "ten", -1, NULL },
		{ "1 0", -1, NULL },
	};

	RUN(v_priority, c, "value");
}

static void
test_v_comment(void **state)
{
	static const struct vcase c[] = {
		{ "", 0, NULL },
		{ "web server", 0, NULL },
		{ X100, 0, NULL },
		{ X100 "x", -1, NULL },
		/* 100 characters of Cyrillic are 200 bytes, still 100 chars. */
		{ YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10, 0, NULL },
		{ YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 "я", -1,
		    NULL },
		{ "a\nb", -1, NULL },
		{ "\xff", -1, NULL },
	};
	struct err	 err;
	char		 buf[] = X100 "x";

	RUN(v_comment, c, "value");

	/* The message says what the limit is. */
	err_clear(&err);
	assert_int_equal(v_comment(buf, "comment", &err), -1);
	assert_string_equal(err.object, "comment");
	assert_non_null(strstr(err.msg, "100"));
}

static void
test_v_content(void **state)
{
	static const struct vcase c[] = {
		{ "192.0.2.1", 0, NULL },
		{ "v=spf1 include:_spf.example.com ~all", 0, NULL },
		{ X1000 X1000 X1000 X1000 X10 X10 X10 X10 X10 X10 X10 X10 X10
		    "xxxxxx", 0, NULL },		/* 4096 */
		{ X1000 X1000 X1000 X1000 X10 X10 X10 X10 X10 X10 X10 X10 X10
		    "xxxxxxx", -1, NULL },		/* 4097 */
		{ "a\nb", -1, NULL },
		{ "\xc3", -1, NULL },
	};

	RUN(v_content, c, "value");
}

static void
test_utf8_valid(void **state)
{
	static const struct {
		const char	*in;
		int		 ok;
	} c[] = {
		{ "", 1 },
		{ "plain ascii", 1 },
		{ "Привет", 1 },
		{ "\xc2\x80", 1 },			/* U+0080 */
		{ "\xe2\x82\xac", 1 },			/* € */
		{ "\xf0\x9f\x98\x80", 1 },		/* 😀 */
		{ "\xed\x9f\xbf", 1 },			/* U+D7FF */
		{ "\xee\x80\x80", 1 },			/* U+E000 */
		{ "\xef\xbf\xbf", 1 },			/* U+FFFF */
		{ "\xf4\x8f\xbf\xbf", 1 },		/* U+10FFFF */
		{ "\x80", 0 },				/* lone continuation */
		{ "\xbf", 0 },
		{ "\xff", 0 },
		{ "\xfe", 0 },
		{ "\xc0\xaf", 0 },			/* overlong '/' */
		{ "\xc1\xbf", 0 },
		{ "\xe0\x80\xaf", 0 },			/* overlong */
		{ "\xe0\x9f\xbf", 0 },
		{ "\xf0\x80\x80\xaf", 0 },		/* overlong */
		{ "\xf0\x8f\xbf\xbf", 0 },
		{ "\xed\xa0\x80", 0 },			/* U+D800 */
		{ "\xed\xbf\xbf", 0 },			/* U+DFFF */
		{ "\xed\xa0\xbd\xed\xb8\x80", 0 },	/* CESU pair */
		{ "\xf4\x90\x80\x80", 0 },		/* U+110000 */
		{ "\xf5\x80\x80\x80", 0 },
		{ "\xf8\x88\x80\x80\x80", 0 },
		{ "\xc3", 0 },				/* truncated */
		{ "a\xc3", 0 },
		{ "\xe2\x82", 0 },
		{ "\xf0\x9f\x98", 0 },
		{ "\xf0\x9f", 0 },
		{ "\xc3\x28", 0 },			/* bad continuation */
		{ "\xe2\x28\xa1", 0 },
		{ "\xf0\x9f\x98\x28", 0 },
		{ "ok \xf0\x9f\x98\x80 then \xff", 0 },
	};
	size_t	 i;
	int	 bad = 0;

	for (i = 0; i < NELEM(c); i++)
		if (utf8_valid(c[i].in, strlen(c[i].in)) != c[i].ok) {
			print_error("utf8_valid case %zu: input \"%s\": "
			    "expected %d\n", i, show(c[i].in), c[i].ok);
			bad++;
		}
	/* The length bounds the scan: a sequence cut by it is bad. */
	if (utf8_valid("\xc3\xa9", 1) != 0 || utf8_valid("\xc3\xa9", 2) != 1 ||
	    utf8_valid("\xf0\x9f\x98\x80", 3) != 0 ||
	    utf8_valid("ab\xff", 2) != 1) {
		print_error("utf8_valid does not honour its length\n");
		bad++;
	}
	assert_int_equal(bad, 0);
}

static void
test_is_hostname(void **state)
{
	static const struct {
		const char	*in;
		int		 relaxed, ok;
	} c[] = {
		{ "example.com", 0, 1 },
		{ "example.com", 1, 1 },
		{ "a", 0, 1 },
		{ "a-b.c-d", 0, 1 },
		{ "123.example", 0, 1 },
		{ "_sip._tcp.example.com", 0, 0 },
		{ "_sip._tcp.example.com", 1, 1 },
		{ "*.example.com", 0, 0 },
		{ "*.example.com", 1, 1 },
		{ "*", 1, 0 },
		{ "*.", 1, 0 },
		{ "a.*.com", 1, 0 },
		{ "*.*.a", 1, 0 },
		{ "", 0, 0 },
		{ ".", 0, 0 },
		{ ".a", 0, 0 },
		{ "a.", 0, 0 },
		{ "a..b", 0, 0 },
		{ "-a", 0, 0 },
		{ "a-", 0, 0 },
		{ "a.-b", 0, 0 },
		{ "a-.b", 0, 0 },
		{ "a b", 0, 0 },
		{ "a\tb", 1, 0 },
		{ "m\xc3\xbcller", 0, 0 },
		{ A63, 0, 1 },
		{ A64, 0, 0 },
		{ A63 "." A63, 0, 1 },
		{ A63 "." A64, 0, 0 },
		{ A63 "." A63 "." A63 "." A61, 0, 1 },
		{ A63 "." A63 "." A63 "." A62, 0, 0 },
		{ "*." A63 "." A63 "." A63 "." A61, 1, 1 },
	};
	size_t	 i;
	int	 bad = 0;

	for (i = 0; i < NELEM(c); i++)
		if (is_hostname(c[i].in, c[i].relaxed) != c[i].ok) {
			print_error("is_hostname case %zu: input \"%s\" relaxed "
			    "%d: expected %d\n", i, show(c[i].in),
			    c[i].relaxed, c[i].ok);
			bad++;
		}
	assert_int_equal(bad, 0);
}

static void
test_is_ip(void **state)
{
	static const struct {
		const char	*in;
		int		 v4, v6;
	} c[] = {
		{ "192.0.2.1", 1, 0 },
		{ "0.0.0.0", 1, 0 },
		{ "255.255.255.255", 1, 0 },
		{ "256.0.0.1", 0, 0 },
		{ "1.2.3", 0, 0 },
		{ "1.2.3.4.5", 0, 0 },
		{ " 1.2.3.4", 0, 0 },
		{ "2001:db8::1", 0, 1 },
		{ "::1", 0, 1 },
		{ "::ffff:192.0.2.1", 0, 1 },
		{ "2001:db8::g", 0, 0 },
		{ "2001:db8:::1", 0, 0 },
		{ "", 0, 0 },
	};
	size_t	 i;
	int	 bad = 0;

	for (i = 0; i < NELEM(c); i++)
		if (is_ipv4(c[i].in) != c[i].v4 ||
		    is_ipv6(c[i].in) != c[i].v6) {
			print_error("is_ipv4/6 case %zu: input \"%s\"\n", i,
			    show(c[i].in));
			bad++;
		}
	assert_int_equal(bad, 0);
}

static void
test_parse_uint(void **state)
{
	static const struct {
		const char		*in;
		unsigned long long	 max;
		int			 rc;
		unsigned long long	 out;
	} c[] = {
		{ "0", 10, 0, 0 },
		{ "10", 10, 0, 10 },
		{ "007", 10, 0, 7 },
		{ "11", 10, -1, 0 },
		{ "100", 10, -1, 0 },
		{ "7", 5, -1, 0 },		/* a digit above a small max */
		{ "9", 8, -1, 0 },
		{ "5", 5, 0, 5 },
		{ "0", 0, 0, 0 },
		{ "1", 0, -1, 0 },
		{ "4294967295", 4294967295ULL, 0, 4294967295ULL },
		{ "4294967296", 4294967295ULL, -1, 0 },
		{ "18446744073709551615", 18446744073709551615ULL, 0,
		    18446744073709551615ULL },
		{ "18446744073709551616", 18446744073709551615ULL, -1, 0 },
		{ "99999999999999999999", 18446744073709551615ULL, -1, 0 },
		{ "000000000000000000001", 18446744073709551615ULL, -1, 0 },
		{ "", 100, -1, 0 },
		{ "-1", 100, -1, 0 },
		{ "+1", 100, -1, 0 },
		{ " 1", 100, -1, 0 },
		{ "1 ", 100, -1, 0 },
		{ "1a", 100, -1, 0 },
		{ "0x1", 100, -1, 0 },
	};
	unsigned long long	 v;
	size_t			 i;
	int			 rc, bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		v = 12345;
		rc = parse_uint(c[i].in, c[i].max, &v);
		if (rc != c[i].rc || (rc == 0 && v != c[i].out) ||
		    (rc == 0 && v > c[i].max)) {
			print_error("parse_uint case %zu: input \"%s\" max %llu: "
			    "rc %d value %llu, expected rc %d value %llu\n", i,
			    show(c[i].in), c[i].max, rc, rc == 0 ? v : 0,
			    c[i].rc, c[i].out);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_split_list(void **state)
{
	static const struct {
		const char	*in;
		size_t		 max;
		int		 n;
		const char	*items[4];
	} c[] = {
		{ "a", 4, 1, { "a" } },
		{ "a, b,c", 4, 3, { "a", "b", "c" } },
		{ "  a,   b", 4, 2, { "a", "b" } },
		{ "a,b,c,d", 4, 4, { "a", "b", "c", "d" } },
		{ "a,b,c,d,e", 4, -1, { NULL } },
		{ "a,b", 1, -1, { NULL } },
		{ "", 4, -1, { NULL } },
		{ " ", 4, -1, { NULL } },
		{ ",", 4, -1, { NULL } },
		{ "a,", 4, -1, { NULL } },
		{ ",a", 4, -1, { NULL } },
		{ "a,,b", 4, -1, { NULL } },
		{ "a, ,b", 4, -1, { NULL } },
	};
	char	 buf[64], *out[4];
	size_t	 i;
	int	 n, k, bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		cf_strlcpy(buf, c[i].in, sizeof(buf));
		memset(out, 0, sizeof(out));
		n = split_list(buf, out, c[i].max);
		if (n != c[i].n) {
			print_error("split_list case %zu: input \"%s\": %d "
			    "items, expected %d\n", i, show(c[i].in), n,
			    c[i].n);
			bad++;
			continue;
		}
		for (k = 0; k < n; k++)
			if (strcmp(out[k], c[i].items[k]) != 0) {
				print_error("split_list case %zu: input \"%s\": "
				    "item %d \"%s\", expected \"%s\"\n", i,
				    show(c[i].in), k, out[k], c[i].items[k]);
				bad++;
			}
	}
	assert_int_equal(bad, 0);
}

static void
test_dns_name_fqdn(void **state)
{
	static const struct {
		const char	*name, *zone;
		int		 rc;
		const char	*out;
	} c[] = {
		{ "@", "example.com", 0, "example.com" },
		{ "", "example.com", 0, "example.com" },
		{ "www", "example.com", 0, "www.example.com" },
		{ "a.b", "example.com", 0, "a.b.example.com" },
		{ "*.a", "example.com", 0, "*.a.example.com" },
		{ "_sip._tcp", "example.com", 0, "_sip._tcp.example.com" },
		{ "example.com", "example.com", 0, "example.com" },
		{ "www.example.com", "example.com", 0, "www.example.com" },
		{ "a.b.example.com", "example.com", 0, "a.b.example.com" },
		/* Another domain is a name inside this zone. */
		{ "www.other.org", "example.com", 0,
		    "www.other.org.example.com" },
		{ "myexample.com", "example.com", 0,
		    "myexample.com.example.com" },
		{ "com", "example.com", 0, "com.example.com" },
		/* 253 in all, then 254. */
		{ A63 "." A63 "." A63 "." A10 A10 A10 A10 "aaaaaaaaa",
		    "example.com", 0, A63 "." A63 "." A63 "." A10 A10 A10 A10
		    "aaaaaaaaa" ".example.com" },
		{ A63 "." A63 "." A63 "." A50, "example.com", -1, NULL },
		{ A64 ".example.com", "example.com", -1, NULL },
	};
	struct err	 err;
	char		 out[256];
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		err_clear(&err);
		rc = dns_name_fqdn(c[i].name, c[i].zone, out, sizeof(out),
		    &err);
		if (rc != c[i].rc || (rc == 0 && strcmp(out, c[i].out) != 0) ||
		    (rc == -1 && strcmp(err.object, "name") != 0)) {
			print_error("dns_name_fqdn case %zu: name \"%s\" zone "
			    "\"%s\": rc %d \"%s\", expected rc %d \"%s\"\n", i,
			    show(c[i].name), c[i].zone, rc, rc == 0 ? out : "",
			    c[i].rc, c[i].out ? c[i].out : "");
			bad++;
		}
	}
	/* A buffer too small is refused, not truncated. */
	err_clear(&err);
	if (dns_name_fqdn("www", "example.com", out, 10, &err) != -1) {
		print_error("dns_name_fqdn truncated into a small buffer\n");
		bad++;
	}
	assert_int_equal(bad, 0);
}

static void
test_dns_check_record(void **state)
{
	static const struct {
		const char	*type, *name, *content, *prio;
		int		 rc;
		const char	*field;		/* at fault */
	} c[] = {
		{ "A", "example.com", "192.0.2.1", NULL, 0, NULL },
		{ "A", "www.example.com", "10.0.0.1", "", 0, NULL },
		{ "A", "example.com", "256.0.0.1", NULL, -1, "content" },
		{ "A", "example.com", "2001:db8::1", NULL, -1, "content" },
		{ "A", "example.com", "www.example.com", NULL, -1, "content" },
		{ "A", "example.com", "", NULL, -1, "content" },
		{ "AAAA", "example.com", "2001:db8::1", NULL, 0, NULL },
		{ "AAAA", "example.com", "::1", NULL, 0, NULL },
		{ "AAAA", "example.com", "192.0.2.1", NULL, -1, "content" },
		{ "AAAA", "example.com", "2001:db8::zz", NULL, -1, "content" },
		{ "CNAME", "www.example.com", "target.example.net", NULL, 0,
		    NULL },
		{ "CNAME", "www.example.com", "target.example.net.", NULL, 0,
		    NULL },
		{ "CNAME", "www.example.com", "bad target", NULL, -1,
		    "content" },
		{ "CNAME", "www.example.com", "a..b", NULL, -1, "content" },
		{ "CNAME", "www.example.com", ".", NULL, -1, "content" },
		{ "MX", "example.com", "mail.example.com", "10", 0, NULL },
		{ "MX", "example.com", "mail.example.com.", "0", 0, NULL },
		{ "MX", "example.com", "mail.example.com", NULL, -1,
		    "priority" },
		{ "MX", "example.com", "mail.example.com", "", -1, "priority" },
		{ "MX", "example.com", "mail example.com", "10", -1,
		    "content" },
		{ "MX", "example.com", "", "10", -1, "content" },
		{ "NS", "sub.example.com", "ns1.example.net", NULL, 0, NULL },
		{ "NS", "sub.example.com", "ns1_example net", NULL, -1,
		    "content" },
		{ "TXT", "example.com", "v=spf1 -all", NULL, 0, NULL },
		{ "TXT", "example.com", "\"quoted\" text; with = signs", NULL,
		    0, NULL },
		{ "TXT", "example.com", X1000 X1000 X10 X10 X10 X10 "xxxxxxxx",
		    NULL, 0, NULL },			/* 2048 */
		{ "TXT", "example.com", X1000 X1000 X10 X10 X10 X10 "xxxxxxxxx",
		    NULL, -1, "content" },		/* 2049 */
		{ "SRV", "_sip._tcp.example.com", "5 5060 sip.example.com",
		    "10", 0, NULL },
		{ "SRV", "_sip._tcp.example.com", "0 0 .", "0", 0, NULL },
		{ "SRV", "_sip._tcp.example.com", "5 5060 sip.example.com.",
		    "10", 0, NULL },
		{ "SRV", "sip.example.com", "5 5060 sip.example.com", "10",
		    -1, "name" },
		{ "SRV", "_sip.example.com", "5 5060 sip.example.com", "10",
		    -1, "name" },
		{ "SRV", "_sip._tcp.example.com", "5 5060", "10", -1,
		    "content" },
		{ "SRV", "_sip._tcp.example.com", "5 70000 sip.example.com",
		    "10", -1, "content" },
		{ "SRV", "_sip._tcp.example.com", "x 5060 sip.example.com",
		    "10", -1, "content" },
		{ "SRV", "_sip._tcp.example.com", "5 5060 bad..target", "10",
		    -1, "content" },
		{ "SRV", "_sip._tcp.example.com", "5 5060 sip.example.com",
		    NULL, -1, "priority" },
		{ "CAA", "example.com", "0 issue \"letsencrypt.org\"", NULL, 0,
		    NULL },
		{ "CAA", "example.com", "128 issuewild \";\"", NULL, 0, NULL },
		{ "CAA", "example.com", "0 iodef \"mailto:a@example.com\"",
		    NULL, 0, NULL },
		{ "CAA", "example.com", "256 issue \"letsencrypt.org\"", NULL,
		    -1, "content" },
		{ "CAA", "example.com", "-1 issue \"letsencrypt.org\"", NULL,
		    -1, "content" },
		{ "CAA", "example.com", "0 issue", NULL, -1, "content" },
		{ "CAA", "example.com", "0 issue ", NULL, -1, "content" },
		{ "CAA", "example.com", "0", NULL, -1, "content" },
		{ "CAA", "example.com", "0 is-sue \"x\"", NULL, -1, "content" },
		{ "CAA", "example.com", "zero issue \"x\"", NULL, -1,
		    "content" },
		{ "CAA", "example.com", "", NULL, -1, "content" },
	};
	struct err	 err;
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		err_clear(&err);
		rc = dns_check_record(c[i].type, c[i].name, c[i].content,
		    c[i].prio, &err);
		if (rc != c[i].rc || (rc == -1 &&
		    (strcmp(err.object, c[i].field) != 0 ||
		    strcmp(err.type, "value") != 0))) {
			print_error("dns_check_record case %zu: %s \"%s\" "
			    "\"%s\" prio \"%s\": rc %d object \"%s\" (%s), "
			    "expected rc %d object \"%s\"\n", i, c[i].type,
			    c[i].name, show(c[i].content), show(c[i].prio), rc,
			    err.object, err.msg, c[i].rc,
			    c[i].field ? c[i].field : "");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_dns_type_flags(void **state)
{
	static const struct {
		const char	*type;
		int		 proxiable, prio;
	} c[] = {
		{ "A", 1, 0 }, { "AAAA", 1, 0 }, { "CNAME", 1, 0 },
		{ "MX", 0, 1 }, { "SRV", 0, 1 }, { "TXT", 0, 0 },
		{ "NS", 0, 0 }, { "CAA", 0, 0 },
	};
	size_t	 i;
	int	 bad = 0;

	for (i = 0; i < NELEM(c); i++)
		if (dns_proxiable(c[i].type) != c[i].proxiable ||
		    dns_has_priority(c[i].type) != c[i].prio) {
			print_error("dns flags case %zu: type %s\n", i,
			    c[i].type);
			bad++;
		}
	assert_int_equal(bad, 0);
}

static void
test_v_pagerule(void **state)
{
	static const struct vcase url[] = {
		{ "example.com/*", 0, NULL },
		{ "*.example.com/img/*.jpg", 0, NULL },
		{ "https://example.com/a?b=c", 0, NULL },
		{ "", 0, NULL },
		{ "пример.рф/*", 0, NULL },
		{ X100 X100 X10 X10 X10 X10 X10 "xxxxx", 0, NULL },	/* 255 */
		{ X100 X100 X10 X10 X10 X10 X10 "xxxxxx", -1, NULL },	/* 256 */
		{ "example.com/ *", -1, NULL },
		{ " example.com", -1, NULL },
		{ "example.com/\t", -1, NULL },
		{ "example.com/\n", -1, NULL },
		{ "example.com/\xff", -1, NULL },
	};
	static const struct vcase status[] = {
		{ "", 0, NULL },
		{ "active", 0, NULL },
		{ "disabled", 0, NULL },
		{ "Active", -1, NULL },
		{ "on", -1, NULL },
		{ "paused", -1, NULL },
	};
	static const struct vcase prio[] = {
		{ "", 0, NULL },
		{ "1", 0, NULL },
		{ "10000", 0, NULL },
		{ "0", -1, NULL },
		{ "10001", -1, NULL },
		{ "-1", -1, NULL },
		{ "first", -1, NULL },
	};
	static const struct vcase ao[] = {
		{ "", -1, NULL },
		{ "on", -1, NULL },
		{ "off", -1, NULL },
	};

	RUN(v_pagerule_url, url, "value");
	RUN(v_pagerule_status, status, "value");
	RUN(v_pagerule_priority, prio, "value");
	RUN(v_always_online, ao, "value");
}

static void
test_v_sets(void **state)
{
	static const struct vcase target[] = {
		{ "ip", 0, NULL },
		{ "ip_range", 0, NULL },
		{ "country", 0, NULL },
		{ "asn", 0, NULL },
		{ "", -1, NULL },
		{ "IP", -1, NULL },
		{ "ip6", -1, NULL },
		{ "ip ", -1, NULL },
	};
	static const struct vcase mode[] = {
		{ "block", 0, NULL },
		{ "challenge", 0, NULL },
		{ "js_challenge", 0, NULL },
		{ "managed_challenge", 0, NULL },
		{ "whitelist", 0, NULL },
		{ "", -1, NULL },
		{ "allow", -1, NULL },
		{ "Block", -1, NULL },
	};
	static const struct vcase match[] = {
		{ "hostname", 0, NULL },
		{ "path_prefix", 0, NULL },
		{ "extension", 0, NULL },
		{ "expression", 0, NULL },
		{ "", -1, NULL },
		{ "host", -1, NULL },
		{ "path", -1, NULL },
	};

	RUN(v_fwtarget, target, "value");
	RUN(v_fwmode, mode, "value");
	RUN(v_crmatch, match, "value");
}

static void
test_v_text500(void **state)
{
	static const struct vcase c[] = {
		{ "", 0, NULL },
		{ "a note", 0, NULL },
		{ X100 X100 X100 X100 X100, 0, NULL },
		{ X100 X100 X100 X100 X100 "x", -1, NULL },
		/* Characters, not bytes: 500 Cyrillic letters are fine. */
		{ YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10
		  YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10
		  YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10
		  YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10
		  YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10, 0, NULL },
		{ YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10
		  YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10
		  YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10
		  YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10
		  YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 YA10 "я", -1,
		  NULL },
		{ "a\nb", -1, NULL },
		{ "a\tb", -1, NULL },
		{ "\xff", -1, NULL },
		{ "\xe2\x82", -1, NULL },
	};

	RUN(v_text500, c, "value");
}

static void
test_v_cachettl(void **state)
{
	static const struct vcase c[] = {
		{ "", 0, NULL },
		{ "1", 0, NULL },
		{ "3600", 0, NULL },
		{ "31536000", 0, NULL },
		{ "0", -1, NULL },
		{ "31536001", -1, NULL },
		{ "-1", -1, NULL },
		{ "1h", -1, NULL },
	};

	RUN(v_cachettl, c, "value");
}

static void
test_v_expression(void **state)
{
	static const struct vcase c[] = {
		{ "http.host eq \"example.com\"", 0, NULL },
		{ "(http.host eq \"a.com\")\nor\t(ip.src in {192.0.2.0/24})", 0,
		    NULL },
		{ "", 0, NULL },
		{ X1000 X1000 X1000 X1000 X10 X10 X10 X10 X10 X10 X10 X10 X10
		    "xxxxxx", 0, NULL },		/* 4096 */
		{ X1000 X1000 X1000 X1000 X10 X10 X10 X10 X10 X10 X10 X10 X10
		    "xxxxxxx", -1, NULL },		/* 4097 */
		{ "a\x01", -1, NULL },
		{ "\xc0\xaf", -1, NULL },
	};

	RUN(v_expression, c, "value");
}

static void
test_expr_check(void **state)
{
	static const struct {
		const char	*in;
		int		 rc;
		const char	*type, *has;
	} c[] = {
		{ "http.host eq \"example.com\"", 0, NULL, NULL },
		{ "(http.request.uri.path contains \"/api\")", 0, NULL, NULL },
		{ "http.host in {\"a.com\" \"b.com\"}", 0, NULL, NULL },
		{ "any(http.request.headers.names[*] == \"x\")", 0, NULL, NULL },
		{ "http.request.uri.path matches r\"^/[a-z(]+$\"", 0, NULL,
		    NULL },
		{ "x matches r#\"a\"b(\"#", 0, NULL, NULL },
		{ "x matches r##\"a\"#b\"##", 0, NULL, NULL },
		{ "\"a\\\"b(\" eq x", 0, NULL, NULL },
		{ "\"(\" eq x and \"}\" ne y", 0, NULL, NULL },
		{ "lower(http.host) eq \"a\\\\\"", 0, NULL, NULL },
		{ "var r = 1", 0, NULL, NULL },
		{ "bar\"x\" eq y", 0, NULL, NULL },	/* not a raw string */
		{ "", -1, "missed", "Enter the expression" },
		{ " \t\r\n", -1, "missed", "Enter the expression" },
		{ "(x", -1, "value", "not closed" },
		{ "x)", -1, "value", "character 2" },
		{ "(x]", -1, "value", "no matching" },
		{ "{[}]", -1, "value", "no matching" },
		{ "\"abc", -1, "value", "string is not closed" },
		{ "\"abc\\\"", -1, "value", "string is not closed" },
		{ "\"abc\\", -1, "value", "string is not closed" },
		{ "r\"abc", -1, "value", "raw string" },
		{ "r#\"a\"", -1, "value", "raw string" },
		{ "r##\"a\"#", -1, "value", "raw string" },
	};
	struct err	 err;
	char		*deep;
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		err_clear(&err);
		rc = expr_check(c[i].in, "expr", &err);
		if (rc != c[i].rc || (rc == -1 &&
		    (strcmp(err.type, c[i].type) != 0 ||
		    strcmp(err.object, "expr") != 0 ||
		    strstr(err.msg, c[i].has) == NULL))) {
			print_error("expr_check case %zu: input '%s': rc %d type "
			    "'%s' object '%s' msg '%s'\n", i, show(c[i].in), rc,
			    err.type, err.object, err.msg);
			bad++;
		}
	}
	/* 64 levels of brackets are fine, 65 are too deep. */
	assert_non_null(deep = malloc(200));
	memset(deep, '(', 64);
	memset(deep + 64, ')', 64);
	deep[128] = '\0';
	if (expr_check(deep, "expr", &err) != 0) {
		print_error("expr_check refused 64 levels\n");
		bad++;
	}
	memset(deep, '(', 65);
	memset(deep + 65, ')', 65);
	deep[130] = '\0';
	err_clear(&err);
	if (expr_check(deep, "expr", &err) != -1 ||
	    strstr(err.msg, "too deeply") == NULL) {
		print_error("expr_check took 65 levels\n");
		bad++;
	}
	free(deep);
	assert_int_equal(bad, 0);
}

static void
test_fw_check_value(void **state)
{
	static const struct {
		const char	*target, *in;
		int		 rc;
		const char	*cft, *out;	/* or on failure type, msg part */
	} c[] = {
		{ "ip", "192.0.2.1", 0, "ip", "192.0.2.1" },
		{ "ip", "  192.0.2.1\t", 0, "ip", "192.0.2.1" },
		{ "ip", "2001:DB8::1", 0, "ip6", "2001:db8::1" },
		{ "ip", "2001:db8:0:0:0:0:0:1", 0, "ip6", "2001:db8::1" },
		{ "ip", "1.2.3", -1, "value", "not an IP address" },
		{ "ip", "192.0.2.0/24", -1, "value", "not an IP address" },
		{ "ip", "example.com", -1, "value", "not an IP address" },
		{ "ip", "", -1, "missed", "Enter the address" },
		{ "ip", "   ", -1, "missed", "Enter the address" },
		{ "ip_range", "192.0.2.0/24", 0, "ip_range", "192.0.2.0/24" },
		{ "ip_range", "10.1.0.0/16", 0, "ip_range", "10.1.0.0/16" },
		{ "ip_range", "192.0.2.0/024", 0, "ip_range", "192.0.2.0/24" },
		{ "ip_range", "2001:db8::/32", 0, "ip_range", "2001:db8::/32" },
		{ "ip_range", "2001:DB8:1::/48", 0, "ip_range",
		    "2001:db8:1::/48" },
		{ "ip_range", "2001:db8:1:2::/64", 0, "ip_range",
		    "2001:db8:1:2::/64" },
		{ "ip_range", "192.0.2.1/24", -1, "value", "192.0.2.0/24" },
		{ "ip_range", "10.1.2.0/16", -1, "value", "10.1.0.0/16" },
		{ "ip_range", "2001:db8::1/64", -1, "value", "2001:db8::/64" },
		{ "ip_range", "192.0.2.0/8", -1, "value", "/16 or /24" },
		{ "ip_range", "192.0.2.0/32", -1, "value", "/16 or /24" },
		{ "ip_range", "2001:db8::/56", -1, "value", "/32, /48 or /64" },
		{ "ip_range", "192.0.2.0/33", -1, "value", "not an IP range" },
		{ "ip_range", "192.0.2.0/", -1, "value", "not an IP range" },
		{ "ip_range", "192.0.2.0", -1, "value", "not an IP range" },
		{ "ip_range", "/24", -1, "value", "not an IP range" },
		{ "ip_range", "x/24", -1, "value", "not an IP range" },
		{ "ip_range", "192.0.2.0/-8", -1, "value", "not an IP range" },
		{ "country", "DE", 0, "country", "DE" },
		{ "country", "us", 0, "country", "US" },
		{ "country", "gB", 0, "country", "GB" },
		{ "country", "T1", 0, "country", "T1" },
		{ "country", "xx", 0, "country", "XX" },
		{ "country", "UK", -1, "value", "GB" },
		{ "country", "ZZ", -1, "value", "not a country code" },
		{ "country", "D", -1, "value", "not a country code" },
		{ "country", "DEU", -1, "value", "not a country code" },
		{ "country", "1A", -1, "value", "not a country code" },
		{ "asn", "AS13335", 0, "asn", "AS13335" },
		{ "asn", "13335", 0, "asn", "AS13335" },
		{ "asn", "as13335", 0, "asn", "AS13335" },
		{ "asn", "4294967295", 0, "asn", "AS4294967295" },
		{ "asn", "AS0", -1, "value", "not an AS number" },
		{ "asn", "0", -1, "value", "not an AS number" },
		{ "asn", "4294967296", -1, "value", "not an AS number" },
		{ "asn", "AS", -1, "value", "not an AS number" },
		{ "asn", "AS-1", -1, "value", "not an AS number" },
		{ "asn", "ASN13335", -1, "value", "not an AS number" },
		{ "asn", "AS 13335", -1, "value", "not an AS number" },
		{ "asn", X100 X10 X10 X10, -1, "value", "too long" },
		{ "zone", "example.com", -1, "value", "Unknown rule target" },
	};
	struct err	 err;
	char		 cft[16], out[128];
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		err_clear(&err);
		cft[0] = out[0] = '\0';
		rc = fw_check_value(c[i].target, c[i].in, cft, sizeof(cft),
		    out, sizeof(out), &err);
		if (rc != c[i].rc || (rc == 0 && (strcmp(cft, c[i].cft) != 0 ||
		    strcmp(out, c[i].out) != 0)) || (rc == -1 &&
		    (strcmp(err.type, c[i].cft) != 0 ||
		    strstr(err.msg, c[i].out) == NULL ||
		    strcmp(err.object, strcmp(c[i].target, "zone") == 0 ?
		    "target" : "value") != 0))) {
			print_error("fw_check_value case %zu: %s '%s': rc %d "
			    "cft '%s' out '%s' error '%s' '%s' '%s'\n", i,
			    c[i].target, show(c[i].in), rc, cft, out, err.type,
			    err.object, err.msg);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Errors follow the request's language. */
static void
test_lang(void **state)
{
	struct err	 err;
	char		 v[] = "maybe";

	cf_lang = LANG_RU;
	err_clear(&err);
	assert_int_equal(v_onoff(v, "fld", &err), -1);
	cf_lang = LANG_EN;
	assert_non_null(strstr(err.msg, "должно быть"));
	err_clear(&err);
	assert_int_equal(v_onoff(v, "fld", &err), -1);
	assert_non_null(strstr(err.msg, "must be on or off"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v_text),
		cmocka_unit_test(test_v_multiline),
		cmocka_unit_test(test_v_onoff),
		cmocka_unit_test(test_v_uint),
		cmocka_unit_test(test_v_domain),
		cmocka_unit_test(test_v_domains),
		cmocka_unit_test(test_v_cfid),
		cmocka_unit_test(test_is_cfid),
		cmocka_unit_test(test_v_token),
		cmocka_unit_test(test_v_user),
		cmocka_unit_test(test_v_func),
		cmocka_unit_test(test_v_dnstype),
		cmocka_unit_test(test_v_dnsname),
		cmocka_unit_test(test_v_ttl),
		cmocka_unit_test(test_v_priority),
		cmocka_unit_test(test_v_comment),
		cmocka_unit_test(test_v_content),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_is_hostname),
		cmocka_unit_test(test_is_ip),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_split_list),
		cmocka_unit_test(test_dns_name_fqdn),
		cmocka_unit_test(test_dns_check_record),
		cmocka_unit_test(test_dns_type_flags),
		cmocka_unit_test(test_v_pagerule),
		cmocka_unit_test(test_v_sets),
		cmocka_unit_test(test_v_text500),
		cmocka_unit_test(test_v_cachettl),
		cmocka_unit_test(test_v_expression),
		cmocka_unit_test(test_expr_check),
		cmocka_unit_test(test_fw_check_value),
		cmocka_unit_test(test_lang),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
