/*
 * cloudflare.dns.export: the zone as a BIND file, for copying;
 * cloudflare.dns.import: a pasted BIND file sent to Cloudflare's own
 * importer; and the copy of the panel's DNS zone into a new Cloudflare
 * zone (on connect, or again through the import form's from_panel).
 *
 * The import check is deliberately light: Cloudflare parses the file.
 * It only refuses what is plainly no zone file (a web page, JSON), so
 * the user learns which line is wrong before anything is sent.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "json.h"
#include "log.h"
#include "panel.h"
#include "reply.h"
#include "validate.h"

#define EXPORT_MAX	(4 * 1024 * 1024)	/* what the textarea shows */
#define IMPORT_LINES	10000
#define DNS_PER_PAGE	5000
#define COPY_MAX	3500	/* Cloudflare's per-zone ceiling */
#define EXIST_MAX	100000	/* existing records we compare with */
#define COPY_BATCH	50	/* creates handed to cf_run at once */
#define KEY_MAX		4400

/* ------------------------------------------------------------ export */

int
fn_dns_export(struct ctx *c)
{
	const char	*zone = req_str(c->req, "plid");
	struct zone	 z;
	struct cf_req	 r;
	int		 rc = -1;

	cf_req_init(&r, "GET", PERM_DNS_READ);
	if (zone_find(c, zone, &z) == -1)
		return -1;
	cf_path(&r, "/zones/%s/dns_records/export", z.id);
	r.raw = 1;
	if (cf_call(ctx_cf(c), &r, &c->err) == -1)
		goto out;
	if (r.text == NULL) {
		err_set(&c->err, "cloudflare", "", "%s", T("Cloudflare "
		    "answered without a zone file. Try again.", "Cloudflare "
		    "ответил без файла зоны. Повторите попытку."));
		goto out;
	}
	if (r.textlen > EXPORT_MAX) {
		err_set(&c->err, "cloudflare", "", T("The zone file is too "
		    "large to show here (%zu KiB, at most %d KiB).", "Файл "
		    "зоны слишком велик, чтобы показать его здесь (%zu КиБ, "
		    "не более %d КиБ)."), r.textlen / 1024, EXPORT_MAX / 1024);
		goto out;
	}
	reply_field(c->reply, "plid", zone);
	reply_field(c->reply, "bind", r.text);
	rc = 0;
out:
	cf_req_clean(&r);
	return rc;
}

/* ------------------------------------------------- the import check */

/* The record types a zone file may carry; Cloudflare decides the rest. */
static const char *const rrtypes[] = {
	"A", "AAAA", "AFSDB", "APL", "CAA", "CDNSKEY", "CDS", "CERT",
	"CNAME", "DHCID", "DLV", "DNAME", "DNSKEY", "DS", "HINFO", "HTTPS",
	"IPSECKEY", "KEY", "LOC", "MX", "NAPTR", "NS", "NSEC", "NSEC3",
	"NSEC3PARAM", "OPENPGPKEY", "PTR", "RP", "RRSIG", "SMIMEA", "SOA",
	"SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT", "URI", NULL
};

static int
is_rrtype(const char *t)
{
	size_t	 i;

	for (i = 0; rrtypes[i] != NULL; i++)
		if (strcasecmp(t, rrtypes[i]) == 0)
			return 1;
	/* RFC 3597 generic form, TYPE65534. */
	if (strncasecmp(t, "TYPE", 4) == 0 && t[4] != '\0' &&
	    strspn(t + 4, "0123456789") == strlen(t + 4))
		return 1;
	return 0;
}

static int
is_class(const char *t)
{
	return strcasecmp(t, "IN") == 0 || strcasecmp(t, "CH") == 0 ||
	    strcasecmp(t, "HS") == 0 || strcasecmp(t, "CS") == 0;
}

/* 3600, or BIND's units: 1h, 1d12h, 2w. */
static int
is_ttl(const char *t)
{
	const char	*p = t;

	if (!isdigit((unsigned char)*p))
		return 0;
	while (*p != '\0') {
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (strchr("smhdwSMHDW", *p) == NULL)
			return 0;
		p++;
		if (*p != '\0' && !isdigit((unsigned char)*p))
			return 0;
	}
	return strlen(t) <= 20;
}

/* An owner name as zone files write it: labels, '@', '*', escapes. */
static int
is_owner(const char *t)
{
	const char	*p;

	if (*t == '\0' || strlen(t) > 255)
		return 0;
	for (p = t; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-_.*@/\\", *p) ==
		    NULL)
			return 0;
	return 1;
}

/* At most 40 bytes of a token for a message, cut on a character. */
static void
snip(const char *s, char *out, size_t sz)
{
	size_t	 n = strlen(s);

	if (n > 40)
		n = 40;
	if (n >= sz)
		n = sz - 1;
	while (n > 0 && n < strlen(s) && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(out, s, n);
	out[n] = '\0';
}

#define LINE_TOKENS	8	/* the first few are all the check reads */

struct bline {
	char	 tok[LINE_TOKENS][64];
	size_t	 ntok;
	int	 lead;		/* starts with blank: the owner is omitted */
};

static int
bad_line(struct err *err, size_t line, const char *why)
{
	err_set(err, "value", "bind", T("Line %zu of the zone file is not a "
	    "DNS record: %s A line reads «name [TTL] [class] type content», "
	    "for example «www 3600 IN A 192.0.2.1».", "Строка %zu файла зоны "
	    "— не DNS-запись: %s Строка имеет вид «имя [TTL] [класс] тип "
	    "значение», например «www 3600 IN A 192.0.2.1»."), line, why);
	return -1;
}

/*
 * Split one physical line into tokens (the first LINE_TOKENS kept,
 * long ones cut), tracking parentheses across lines.  A comment runs
 * from ';' outside quotes to the end of the line.
 */
static int
tokenize(const char *s, size_t len, struct bline *b, int *depth,
    size_t line, struct err *err)
{
	size_t	 i = 0, start, n;
	char	 c;

	memset(b, 0, sizeof(*b));
	b->lead = len > 0 && (s[0] == ' ' || s[0] == '\t');
	while (i < len) {
		c = s[i];
		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		if (c == ';')
			break;
		if (c == '(' || c == ')') {
			if (c == '(')
				(*depth)++;
			else if (--(*depth) < 0)
				return bad_line(err, line, T("a ')' closes "
				    "nothing.", "«)» ничего не закрывает."));
			i++;
			continue;
		}
		start = i;
		if (c == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\' && i + 1 < len)
					i++;
			if (i >= len)
				return bad_line(err, line, T("a quoted text is "
				    "not closed.", "кавычки не закрыты."));
			i++;
		} else
			while (i < len && strchr(" \t\r;()\"", s[i]) == NULL)
				i++;
		if (b->ntok < LINE_TOKENS) {
			n = i - start;
			if (n >= sizeof(b->tok[0]))
				n = sizeof(b->tok[0]) - 1;
			memcpy(b->tok[b->ntok], s + start, n);
			b->tok[b->ntok][n] = '\0';
			b->ntok++;
		}
	}
	return 0;
}

/* The first line of an entry: [owner] [ttl] [class] type content. */
static int
check_entry(const struct bline *b, int open, size_t line, int *records,
    struct err *err)
{
	char	 s[48], why[200];
	size_t	 i = 0, k;

	if (!b->lead) {
		if (b->tok[0][0] == '$') {
			if (strcasecmp(b->tok[0], "$ORIGIN") == 0 &&
			    b->ntok == 2 && is_owner(b->tok[1]))
				return 0;
			if (strcasecmp(b->tok[0], "$TTL") == 0 &&
			    b->ntok == 2 && is_ttl(b->tok[1]))
				return 0;
			snip(b->tok[0], s, sizeof(s));
			cf_snprintf(why, sizeof(why), T("the directive «%s» is "
			    "not supported here (only $ORIGIN name and $TTL "
			    "seconds).", "директива «%s» здесь не "
			    "поддерживается (только $ORIGIN имя и $TTL "
			    "секунды)."), s);
			return bad_line(err, line, why);
		}
		if (!is_owner(b->tok[0])) {
			snip(b->tok[0], s, sizeof(s));
			cf_snprintf(why, sizeof(why), T("«%s» is not a record "
			    "name.", "«%s» — не имя записи."), s);
			return bad_line(err, line, why);
		}
		i = 1;
	}
	for (k = 0; k < 2 && i < b->ntok && (is_ttl(b->tok[i]) ||
	    is_class(b->tok[i])); k++)
		i++;
	if (i >= b->ntok)
		return bad_line(err, line, T("the record type is missing.",
		    "не указан тип записи."));
	if (!is_rrtype(b->tok[i])) {
		snip(b->tok[i], s, sizeof(s));
		cf_snprintf(why, sizeof(why), T("«%s» is not a DNS record "
		    "type.", "«%s» — не тип DNS-записи."), s);
		return bad_line(err, line, why);
	}
	if (i + 1 >= b->ntok && !open)
		return bad_line(err, line, T("the record has no content.",
		    "у записи нет значения."));
	(*records)++;
	return 0;
}

static int
bind_check(const char *text, struct err *err)
{
	const char	*p = text, *nl;
	struct bline	 b;
	size_t		 line = 0, len, lines = 0;
	int		 depth = 0, records = 0, was;

	for (nl = text; (nl = strchr(nl, '\n')) != NULL; nl++)
		lines++;
	if (*text != '\0' && text[strlen(text) - 1] != '\n')
		lines++;
	if (lines > IMPORT_LINES) {
		err_set(err, "value", "bind", T("The zone file has %zu lines; "
		    "import at most %d at a time.", "В файле зоны %zu строк; "
		    "импортируйте не более %d за раз."), lines, IMPORT_LINES);
		return -1;
	}
	while (*p != '\0') {
		line++;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		was = depth;
		if (tokenize(p, len, &b, &depth, line, err) == -1)
			return -1;
		/* Lines inside ( ... ) continue the entry before them. */
		if (was == 0 && b.ntok > 0 &&
		    check_entry(&b, depth > 0, line, &records, err) == -1)
			return -1;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (depth > 0) {
		err_set(err, "value", "bind", "%s", T("The zone file opens a "
		    "'(' that it never closes.", "В файле зоны не закрыта "
		    "скобка «(»."));
		return -1;
	}
	if (records == 0) {
		err_set(err, "value", "bind", "%s", T("The zone file holds no "
		    "DNS records.", "В файле зоны нет DNS-записей."));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ import */

static int
import_bind(struct ctx *c, const char *zone, const char *text)
{
	struct zone	 z;
	struct cf_req	 r;
	long long	 added, parsed;
	char		 note[300];
	int		 rc = -1;

	cf_req_init(&r, "POST", PERM_DNS_EDIT);
	if (bind_check(text, &c->err) == -1)
		return -1;
	if (zone_find(c, zone, &z) == -1)
		return -1;
	cf_path(&r, "/zones/%s/dns_records/import", z.id);
	r.upload = text;
	r.uploadlen = strlen(text);
	r.upload_proxied = req_on(c->req, "proxied", 0);
	if (cf_call(ctx_cf(c), &r, &c->err) == -1)
		goto out;
	if (json_int(r.result, "recs_added", &added) == -1 ||
	    json_int(r.result, "total_records_parsed", &parsed) == -1 ||
	    added < 0 || parsed < 0) {
		err_set(&c->err, "cloudflare", "", "%s", T("Cloudflare took "
		    "the zone file but its answer cannot be read; check the "
		    "DNS records list.", "Cloudflare принял файл зоны, но его "
		    "ответ не удаётся прочитать; проверьте список "
		    "DNS-записей."));
		goto out;
	}
	log_info("dns: %s imported a zone file into %s: %lld added of %lld",
	    c->req->user, zone, added, parsed);
	cf_snprintf(note, sizeof(note), T("Added %lld records, skipped %lld "
	    "(already present or not importable).", "Добавлено записей: "
	    "%lld, пропущено: %lld (уже есть или не импортируются)."), added,
	    parsed > added ? parsed - added : 0);
	reply_field(c->reply, "plid", zone);
	reply_field(c->reply, "notice", note);
	reply_field(c->reply, "proxied", r.upload_proxied ? "on" : "off");
	rc = 0;
out:
	cf_req_clean(&r);
	return rc;
}

/* The panel's records again, e.g. after a connect whose copy failed. */
static int
import_panel(struct ctx *c, const char *zone)
{
	struct zone	 z;
	char		 note[1600];
	int		 rc;

	if (zone_find(c, zone, &z) == -1)
		return -1;
	rc = dns_copy_from_panel(c, &z, note, sizeof(note));
	if (rc != 0) {
		err_set(&c->err, rc == -1 ? "internal" : "cloudflare",
		    "from_panel", "%s", note);
		return -1;
	}
	reply_field(c->reply, "plid", zone);
	reply_field(c->reply, "notice", note);
	return 0;
}

int
fn_dns_import(struct ctx *c)
{
	const char	*zone = req_str(c->req, "plid"),
			*text = req_str(c->req, "bind");
	const char	*p;

	if (!c->req->submit) {
		reply_field(c->reply, "plid", zone);
		reply_field(c->reply, "proxied", "off");
		return 0;
	}
	for (p = text; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
	    p++)
		;
	if (req_on(c->req, "from_panel", 0)) {
		if (*p != '\0') {
			err_set(&c->err, "value", "bind", "%s", T("Either "
			    "paste a zone file or copy the records from the "
			    "panel, not both at once.", "Либо вставьте файл "
			    "зоны, либо скопируйте записи из панели — не то и "
			    "другое сразу."));
			return -1;
		}
		return import_panel(c, zone);
	}
	if (*p == '\0') {
		err_set(&c->err, "missed", "bind", "%s", T("Paste the zone "
		    "file (BIND format) to import.", "Вставьте файл зоны (в "
		    "формате BIND) для импорта."));
		return -1;
	}
	return import_bind(c, zone, text);
}

/* ------------------------------------------- copying the panel's DNS */

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void
strip_dot(char *s)
{
	size_t	 n = strlen(s);

	if (n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
}

/* The canonical form of an address, so 2001:db8::1 matches its spellings. */
static int
canon_ip(const char *type, const char *s, char *out, size_t sz)
{
	unsigned char	 a[16];
	int		 af = strcmp(type, "A") == 0 ? AF_INET : AF_INET6;

	if (inet_pton(af, s, a) != 1 || inet_ntop(af, a, out,
	    (socklen_t)sz) == NULL)
		return -1;
	return 0;
}

/*
 * A record owner from the panel: "@", relative ("www"), or absolute
 * with a trailing dot; the result is inside the zone, lower case.
 */
static int
panel_owner(const char *name, const char *zone, char *out, size_t sz)
{
	char	 n[256];
	size_t	 nl, zl = strlen(zone);
	int	 absolute;

	if (cf_strlcpy(n, name, sizeof(n)) >= sizeof(n))
		return -1;
	lower(n);
	nl = strlen(n);
	absolute = nl > 0 && n[nl - 1] == '.';
	if (absolute)
		n[--nl] = '\0';
	if (nl == 0 || strcmp(n, "@") == 0)
		cf_strlcpy(out, zone, sz);
	else if (strcmp(n, zone) == 0 || (nl > zl && n[nl - zl - 1] == '.' &&
	    strcmp(n + nl - zl, zone) == 0)) {
		if (cf_snprintf(out, sz, "%s", n) == -1)
			return -1;
	} else if (absolute)
		return -1;		/* outside the zone */
	else if (cf_snprintf(out, sz, "%s.%s", n, zone) == -1)
		return -1;
	return is_hostname(out, 1) ? 0 : -1;
}

/* A target host: absolute with a dot, "@", or relative to the zone. */
static int
panel_target(const char *t, const char *zone, char *out, size_t sz)
{
	size_t	 n = strlen(t), zl = strlen(zone);

	if (n == 0 || n >= 254)
		return -1;
	if (strcmp(t, ".") == 0 || strcmp(t, "@") == 0)
		cf_strlcpy(out, *t == '@' ? zone : ".", sz);
	else if (t[n - 1] == '.' || strcasecmp(t, zone) == 0 ||
	    (n > zl && t[n - zl - 1] == '.' && strcasecmp(t + n - zl,
	    zone) == 0))
		cf_strlcpy(out, t, sz);
	else if (cf_snprintf(out, sz, "%s.%s", t, zone) == -1)
		return -1;
	lower(out);
	strip_dot(out);
	return 0;
}

/*
 * TXT as a zone file writes it: one or more quoted strings, joined,
 * with \" and \\ escapes; unquoted text is taken as it is.
 */
static int
txt_unquote(const char *s, char *out, size_t sz)
{
	size_t	 o = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '"')
		return cf_snprintf(out, sz, "%s", s) == -1 ? -1 : 0;
	while (*s != '\0') {
		if (*s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		if (*s++ != '"')
			return -1;
		for (; *s != '"'; s++) {
			if (*s == '\0')
				return -1;
			if (*s == '\\' && s[1] != '\0')
				s++;
			if (o + 1 >= sz)
				return -1;
			out[o++] = *s;
		}
		s++;
	}
	out[o] = '\0';
	return 0;
}

/* One record to create, and the key it is compared by. */
struct newrec {
	struct json	*body;
	char		*key;
	char		 label[300];
};

struct copyset {
	char		**have;		/* keys of the zone's records */
	size_t		  nhave;
	struct newrec	 *add;
	size_t		  nadd;
	size_t		  present, skipped, copied, failed;
	char		  why[sizeof(((struct err *)0)->msg)];
};

static int
key_make(char *key, size_t sz, const char *type, const char *name,
    const char *content)
{
	char	 n[256];

	if (cf_strlcpy(n, name, sizeof(n)) >= sizeof(n))
		return -1;
	lower(n);
	strip_dot(n);
	return cf_snprintf(key, sz, "%s\t%s\t%s", type, n, content);
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The key of a record Cloudflare already has; 1 made, 0 unreadable. */
static int
key_existing(const struct json *j, char *key, size_t sz)
{
	const struct json	*data;
	const char		*type, *name, *content, *s;
	char			 c[KEY_MAX - 300], t[256];
	long long		 a, b, d;

	if (json_str(j, "type", &type) == -1 || json_str(j, "name", &name) ==
	    -1 || json_str_opt(j, "content", &content, "") == -1 ||
	    strlen(type) > 15)
		return 0;
	data = json_get(j, "data");
	if (strcmp(type, "A") == 0 || strcmp(type, "AAAA") == 0) {
		if (canon_ip(type, content, c, sizeof(c)) == -1)
			return 0;
	} else if (strcmp(type, "CNAME") == 0 || strcmp(type, "NS") == 0 ||
	    strcmp(type, "MX") == 0) {
		if (cf_strlcpy(c, content, sizeof(c)) >= sizeof(c))
			return 0;
		lower(c);
		strip_dot(c);
	} else if (strcmp(type, "TXT") == 0) {
		if (txt_unquote(content, c, sizeof(c)) == -1 &&
		    cf_strlcpy(c, content, sizeof(c)) >= sizeof(c))
			return 0;
	} else if (strcmp(type, "SRV") == 0 && json_is_obj(data)) {
		if (json_int(data, "priority", &a) == -1 ||
		    json_int(data, "weight", &b) == -1 ||
		    json_int(data, "port", &d) == -1 ||
		    json_str(data, "target", &s) == -1 ||
		    cf_strlcpy(t, s, sizeof(t)) >= sizeof(t))
			return 0;
		lower(t);
		strip_dot(t);
		cf_snprintf(c, sizeof(c), "%lld %lld %lld %s", a, b, d, t);
	} else if (strcmp(type, "CAA") == 0 && json_is_obj(data)) {
		if (json_int(data, "flags", &a) == -1 ||
		    json_str(data, "tag", &s) == -1 || strlen(s) >= sizeof(t))
			return 0;
		cf_strlcpy(t, s, sizeof(t));
		lower(t);
		if (json_str(data, "value", &s) == -1 ||
		    cf_snprintf(c, sizeof(c), "%lld %s %s", a, t, s) == -1)
			return 0;
	} else if (cf_strlcpy(c, content, sizeof(c)) >= sizeof(c))
		return 0;
	return key_make(key, sz, type, name, c) == -1 ? 0 : 1;
}

static int
have_item(void *arg, const struct json *j)
{
	struct copyset	*s = arg;
	char		 key[KEY_MAX], **nv;

	if (key_existing(j, key, sizeof(key)) == 0)
		return 0;	/* cannot match what we would add */
	if (s->nhave == EXIST_MAX)
		return -1;
	if ((nv = reallocarray(s->have, s->nhave + 1, sizeof(*nv))) == NULL)
		return -1;
	s->have = nv;
	if ((s->have[s->nhave] = strdup(key)) == NULL)
		return -1;
	s->nhave++;
	return 0;
}

/*
 * One panel record as a Cloudflare create body.  0 converted, 1 not
 * copyable (SOA, the apex NS set, types or values Cloudflare does
 * not take), -1 out of memory.
 */
static int
convert(const struct precord *p, const char *zone, struct newrec *n)
{
	char		 type[16], name[256], content[2100], target[256],
			 host[256], tag[32], key[KEY_MAX], prio[8];
	unsigned long long a = 0, b = 0, d = 0;
	long long	 ttl = p->ttl;
	const char	*v = p->value;
	struct json	*body = NULL, *data;
	struct err	 e;
	size_t		 i;
	int		 off = 0;

	memset(n, 0, sizeof(*n));
	prio[0] = '\0';
	if (cf_strlcpy(type, p->type, sizeof(type)) >= sizeof(type))
		return 1;
	for (i = 0; type[i] != '\0'; i++)
		type[i] = (char)toupper((unsigned char)type[i]);
	if (panel_owner(p->name, zone, name, sizeof(name)) == -1)
		return 1;
	while (*v == ' ' || *v == '\t')
		v++;
	if (strcmp(type, "A") == 0 || strcmp(type, "AAAA") == 0) {
		if (canon_ip(type, v, content, sizeof(content)) == -1)
			return 1;
	} else if (strcmp(type, "CNAME") == 0 || strcmp(type, "NS") == 0) {
		/* The zone's own NS set is Cloudflare's to give. */
		if (strcmp(type, "NS") == 0 && strcmp(name, zone) == 0)
			return 1;
		if (panel_target(v, zone, content, sizeof(content)) == -1)
			return 1;
	} else if (strcmp(type, "MX") == 0) {
		if (sscanf(v, "%7s %255s", prio, host) != 2 ||
		    parse_uint(prio, 65535, &a) == -1 ||
		    panel_target(host, zone, content, sizeof(content)) == -1)
			return 1;
	} else if (strcmp(type, "TXT") == 0) {
		if (txt_unquote(v, content, sizeof(content)) == -1 ||
		    content[0] == '\0')
			return 1;
	} else if (strcmp(type, "SRV") == 0) {
		char	 ws[8], ps[8];

		if (sscanf(v, "%7s %7s %7s %255s", prio, ws, ps, host) != 4 ||
		    parse_uint(prio, 65535, &a) == -1 ||
		    parse_uint(ws, 65535, &b) == -1 ||
		    parse_uint(ps, 65535, &d) == -1 ||
		    panel_target(host, zone, target, sizeof(target)) == -1)
			return 1;
		cf_snprintf(content, sizeof(content), "%llu %llu %s", b, d,
		    target);
	} else if (strcmp(type, "CAA") == 0) {
		char	 fs[8];

		if (sscanf(v, "%7s %31s %n", fs, tag, &off) != 2 || off == 0 ||
		    parse_uint(fs, 255, &a) == -1 ||
		    txt_unquote(v + off, target, sizeof(target)) == -1)
			return 1;
		lower(tag);
		cf_snprintf(content, sizeof(content), "%llu %s \"%s\"", a, tag,
		    target);
	} else
		return 1;	/* SOA, PTR and what Cloudflare cannot hold */
	if (dns_check_record(type, name, content, prio, &e) == -1)
		return 1;

	/* Cloudflare takes 1 (auto) or 60 to 86400 seconds. */
	if (ttl > 86400)
		ttl = 86400;
	else if (ttl > 1 && ttl < 60)
		ttl = 60;
	else if (ttl < 1)
		ttl = 1;

	if ((body = json_new_obj()) == NULL ||
	    json_set_str(body, "type", type) == -1 ||
	    json_set_str(body, "name", name) == -1 ||
	    json_set_int(body, "ttl", ttl) == -1)
		goto nomem;
	if (dns_proxiable(type) && json_set_bool(body, "proxied", 0) == -1)
		goto nomem;
	if (strcmp(type, "MX") == 0 &&
	    json_set_int(body, "priority", (long long)a) == -1)
		goto nomem;
	if (strcmp(type, "SRV") == 0) {
		if ((data = json_new_obj()) == NULL ||
		    json_set(body, "data", data) == -1 ||
		    json_set_int(data, "priority", (long long)a) == -1 ||
		    json_set_int(data, "weight", (long long)b) == -1 ||
		    json_set_int(data, "port", (long long)d) == -1 ||
		    json_set_str(data, "target", target) == -1)
			goto nomem;
		cf_snprintf(content, sizeof(content), "%llu %llu %llu %s", a,
		    b, d, target);
	} else if (strcmp(type, "CAA") == 0) {
		if ((data = json_new_obj()) == NULL ||
		    json_set(body, "data", data) == -1 ||
		    json_set_int(data, "flags", (long long)a) == -1 ||
		    json_set_str(data, "tag", tag) == -1 ||
		    json_set_str(data, "value", target) == -1)
			goto nomem;
		cf_snprintf(content, sizeof(content), "%llu %s %s", a, tag,
		    target);
	} else if (json_set_str(body, "content", content) == -1)
		goto nomem;
	if (key_make(key, sizeof(key), type, name, content) == -1) {
		json_free(body);
		return 1;
	}
	if ((n->key = strdup(key)) == NULL)
		goto nomem;
	cf_snprintf(n->label, sizeof(n->label), "%s %s", type, name);
	n->body = body;
	return 0;
nomem:
	json_free(body);
	return -1;
}

static int
is_planned(const struct copyset *s, const char *key)
{
	size_t	 i;

	for (i = 0; i < s->nadd; i++)
		if (strcmp(s->add[i].key, key) == 0)
			return 1;
	return 0;
}

/* Create the planned records, COPY_BATCH at a time. */
static void
create_all(struct ctx *c, const struct zone *z, struct copyset *s)
{
	struct cf_req	 reqs[COPY_BATCH];
	size_t		 i, k, n;

	for (i = 0; i < s->nadd; i += n) {
		n = s->nadd - i < COPY_BATCH ? s->nadd - i : COPY_BATCH;
		for (k = 0; k < n; k++) {
			cf_req_init(&reqs[k], "POST", PERM_DNS_EDIT);
			cf_path(&reqs[k], "/zones/%s/dns_records", z->id);
			reqs[k].body = s->add[i + k].body;
		}
		cf_run(ctx_cf(c), reqs, n);
		for (k = 0; k < n; k++) {
			if (!reqs[k].failed)
				s->copied++;
			else if (reqs[k].code == 81057)
				s->present++;	/* it was there after all */
			else {
				if (s->failed++ == 0)
					cf_snprintf(s->why, sizeof(s->why),
					    "%s: %s", s->add[i + k].label,
					    reqs[k].err.msg);
				log_warn("dns: copy of %s into %s failed: %s",
				    s->add[i + k].label, z->name,
				    reqs[k].err.msg);
			}
			cf_req_clean(&reqs[k]);
		}
	}
}

static void
copyset_free(struct copyset *s)
{
	size_t	 i;

	for (i = 0; i < s->nhave; i++)
		free(s->have[i]);
	free(s->have);
	for (i = 0; i < s->nadd; i++) {
		json_free(s->add[i].body);
		free(s->add[i].key);
	}
	free(s->add);
}

static void
copy_notice(const struct copyset *s, char *notice, size_t sz)
{
	char	 skip[200], fail[sizeof(s->why) + 100];

	fail[0] = '\0';
	if (s->failed > 0)
		cf_snprintf(fail, sizeof(fail), T(" Failed: %zu; the first: "
		    "%s", " Не удалось: %zu; первая ошибка: %s"), s->failed,
		    s->why);
	if (s->skipped > 0)
		cf_snprintf(skip, sizeof(skip), T("; skipped: %zu (SOA, the "
		    "zone's own NS records and what Cloudflare does not take)",
		    "; пропущено: %zu (SOA, NS-записи самой зоны и то, что "
		    "Cloudflare не принимает)"), s->skipped);
	else
		cf_snprintf(skip, sizeof(skip), T("; skipped: 0",
		    "; пропущено: 0"));
	cf_snprintf(notice, sz, T("DNS records copied from the panel: %zu; "
	    "already on Cloudflare: %zu%s.%s", "Скопировано DNS-записей из "
	    "панели: %zu; уже были в Cloudflare: %zu%s.%s"), s->copied,
	    s->present, skip, fail);
}

/*
 * Copy the panel's DNS zone of z into Cloudflare, adding only what is
 * not there yet (same type, name and content), so a second run adds
 * nothing.  It never touches c->err: a failure here must not undo
 * what the caller did.  notice always says what happened.
 * 0 all done, 1 some or all records failed, -1 the panel gave nothing.
 */
int
dns_copy_from_panel(struct ctx *c, const struct zone *z, char *notice,
    size_t sz)
{
	struct precords	 pr;
	struct copyset	 s;
	struct newrec	 n;
	struct cf_req	 base;
	struct err	 e, saved = c->err;
	struct cf	*cf;
	size_t		 i;
	int		 rc = 1, k;

	memset(&s, 0, sizeof(s));
	memset(&pr, 0, sizeof(pr));
	err_clear(&e);
	if (panel_records(z->name, &pr, &e) == -1) {
		cf_snprintf(notice, sz, T("The DNS records were not copied "
		    "from the panel: the panel did not return the domain's "
		    "records (details are in the plugin's log). Add them in "
		    "the DNS records list, or import a zone file.", "DNS-записи "
		    "не скопированы из панели: панель не вернула записи домена "
		    "(подробности — в журнале модуля). Добавьте их в списке "
		    "DNS-записей или импортируйте файл зоны."));
		return -1;
	}
	if ((cf = ctx_cf(c)) == NULL) {
		e = c->err;
		c->err = saved;
		goto fail;
	}
	cf_req_init(&base, "GET", PERM_DNS_READ);
	if (cf_path(&base, "/zones/%s/dns_records", z->id) == -1 ||
	    cf_list(cf, &base, DNS_PER_PAGE, have_item, &s, &e) == -1)
		goto fail;	/* not knowing what exists, add nothing */
	if (s.nhave > 1)	/* qsort(NULL, 0) is undefined */
		qsort(s.have, s.nhave, sizeof(s.have[0]), cmp_key);
	if ((s.add = calloc(pr.n < COPY_MAX ? pr.n + 1 : COPY_MAX,
	    sizeof(*s.add))) == NULL)
		goto nomem;
	for (i = 0; i < pr.n; i++) {
		if (s.nadd == COPY_MAX) {
			s.skipped++;
			continue;
		}
		if ((k = convert(&pr.v[i], z->name, &n)) == -1)
			goto nomem;
		if (k == 1) {
			s.skipped++;
			continue;
		}
		if ((s.nhave > 0 && bsearch(&n.key, s.have, s.nhave,
		    sizeof(s.have[0]), cmp_key) != NULL) ||
		    is_planned(&s, n.key)) {
			s.present++;
			json_free(n.body);
			free(n.key);
			continue;
		}
		s.add[s.nadd++] = n;
	}
	create_all(c, z, &s);
	log_info("dns: %s copied %zu records from the panel into %s "
	    "(%zu present, %zu skipped, %zu failed)", c->req->user, s.copied,
	    z->name, s.present, s.skipped, s.failed);
	copy_notice(&s, notice, sz);
	rc = s.failed > 0 ? 1 : 0;
	goto out;
nomem:
	err_set(&e, "internal", "", "%s", T("Out of memory.",
	    "Недостаточно памяти."));
fail:
	log_warn("dns: copy from the panel into %s failed: %s", z->name,
	    e.msg);
	cf_snprintf(notice, sz, T("The DNS records were not copied from the "
	    "panel: %s", "DNS-записи не скопированы из панели: %s"), e.msg);
out:
	precords_free(&pr);
	copyset_free(&s);
	return rc;
}
