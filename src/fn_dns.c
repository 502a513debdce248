/*
 * cloudflare.dns: every record of a zone, however many pages;
 * cloudflare.dns.edit: create or edit one; cloudflare.dns.delete.
 *
 * An edit sends only what changed (PATCH), so what the form does not
 * show (tags, settings, proxied on types that hide it) stays as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "json.h"
#include "log.h"
#include "reply.h"
#include "validate.h"

#define DNS_PER_PAGE	5000	/* Cloudflare accepts large pages here */

/* One record as the form and the list show it. */
struct rec {
	char	 id[33];
	char	 type[16];
	char	 name[256];
	char	 content[4200];
	long long ttl;
	long long priority;	/* -1 when none */
	int	 proxied;
	int	 proxiable;
	char	 comment[512];
};

static int
copy(const char *s, char *dst, size_t sz)
{
	if (strlen(s) >= sz)
		return -1;
	cf_strlcpy(dst, s, sz);
	return 0;
}

/* SRV content is "weight port target" here; priority is its own field. */
static int
srv_content(const struct json *data, struct rec *r)
{
	long long	 w, p, pr;
	const char	*t;

	if (json_int(data, "weight", &w) == -1 ||
	    json_int(data, "port", &p) == -1 ||
	    json_str(data, "target", &t) == -1)
		return -1;
	if (json_int(data, "priority", &pr) == 0)
		r->priority = pr;
	return cf_snprintf(r->content, sizeof(r->content), "%lld %lld %s", w,
	    p, t) == -1 ? -1 : 0;
}

static int
caa_content(const struct json *data, struct rec *r)
{
	long long	 f;
	const char	*tag, *v;

	if (json_int(data, "flags", &f) == -1 ||
	    json_str(data, "tag", &tag) == -1 ||
	    json_str(data, "value", &v) == -1)
		return -1;
	return cf_snprintf(r->content, sizeof(r->content), "%lld %s \"%s\"",
	    f, tag, v) == -1 ? -1 : 0;
}

static int
rec_parse(const struct json *j, struct rec *r)
{
	const struct json	*data;
	const char		*s;

	memset(r, 0, sizeof(*r));
	r->priority = -1;
	if (json_str(j, "id", &s) == -1 || !is_cfid(s) ||
	    copy(s, r->id, sizeof(r->id)) == -1 ||
	    json_str(j, "type", &s) == -1 ||
	    copy(s, r->type, sizeof(r->type)) == -1 ||
	    json_str(j, "name", &s) == -1 ||
	    copy(s, r->name, sizeof(r->name)) == -1 ||
	    json_int_opt(j, "ttl", &r->ttl, 1) == -1 ||
	    json_bool_opt(j, "proxied", &r->proxied, 0) == -1 ||
	    json_bool_opt(j, "proxiable", &r->proxiable, 0) == -1 ||
	    json_int_opt(j, "priority", &r->priority, -1) == -1 ||
	    json_str_opt(j, "comment", &s, "") == -1 ||
	    copy(s, r->comment, sizeof(r->comment)) == -1)
		return -1;
	data = json_get(j, "data");
	if (strcmp(r->type, "SRV") == 0 && json_is_obj(data))
		return srv_content(data, r);
	if (strcmp(r->type, "CAA") == 0 && json_is_obj(data))
		return caa_content(data, r);
	if (json_str_opt(j, "content", &s, "") == -1 ||
	    copy(s, r->content, sizeof(r->content)) == -1)
		return -1;
	return 0;
}

static void
fmt_ll(char *buf, size_t sz, long long v)
{
	snprintf(buf, sz, "%lld", v);
}

static int
list_item(void *arg, const struct json *j)
{
	struct ctx	*c = arg;
	struct rec	 r;
	char		 ttl[32], prio[32];

	if (rec_parse(j, &r) == -1)
		return -1;
	if (r.ttl == 1)
		cf_strlcpy(ttl, T("Auto", "Авто"), sizeof(ttl));
	else
		fmt_ll(ttl, sizeof(ttl), r.ttl);
	prio[0] = '\0';
	if (r.priority >= 0 && dns_has_priority(r.type))
		fmt_ll(prio, sizeof(prio), r.priority);
	reply_row(c->reply);
	reply_col(c->reply, "id", r.id);
	reply_col(c->reply, "name", r.name);
	reply_col(c->reply, "type", r.type);
	reply_col(c->reply, "content", r.content);
	reply_col(c->reply, "ttl", ttl);
	reply_col(c->reply, "proxied", r.proxied ? "on" : "off");
	reply_col(c->reply, "priority", prio);
	reply_col(c->reply, "comment", r.comment);
	return 0;
}

int
fn_dns_list(struct ctx *c)
{
	struct zone	 z;
	struct cf_req	 base;

	if (zone_find(c, req_str(c->req, "plid"), &z) == -1)
		return -1;
	cf_req_init(&base, "GET", PERM_DNS_READ);
	if (cf_path(&base, "/zones/%s/dns_records", z.id) == -1)
		return ctx_nomem(c);
	return cf_list(ctx_cf(c), &base, DNS_PER_PAGE, list_item, c, &c->err);
}

static int
get_record(struct ctx *c, const struct zone *z, const char *id,
    struct rec *r)
{
	struct cf_req	 q;
	int		 rc = -1;

	cf_req_init(&q, "GET", PERM_DNS_READ);
	cf_path(&q, "/zones/%s/dns_records/%s", z->id, id);
	if (cf_call(ctx_cf(c), &q, &c->err) == -1)
		goto out;
	if (rec_parse(q.result, r) == -1) {
		err_set(&c->err, "cloudflare", "", "%s", T("Cloudflare sent a "
		    "record the plugin cannot read.", "Cloudflare прислал "
		    "запись, которую модуль не может прочитать."));
		goto out;
	}
	rc = 0;
out:
	cf_req_clean(&q);
	return rc;
}

static const char *const ttls[] = {
	"1", "60", "120", "300", "600", "900", "1800", "3600", "7200",
	"18000", "43200", "86400", NULL
};
static const char *const types[] = {
	"A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA", NULL
};

static void
form_slists(struct ctx *c, const char *ttl)
{
	size_t	 i;
	int	 listed = 0;

	reply_slist(c->reply, "type");
	for (i = 0; types[i] != NULL; i++)
		reply_slist_msg(c->reply, types[i]);
	reply_slist(c->reply, "ttl");
	for (i = 0; ttls[i] != NULL; i++) {
		reply_slist_msg(c->reply, ttls[i]);
		if (strcmp(ttls[i], ttl) == 0)
			listed = 1;
	}
	/* A record may carry a TTL the list does not have: keep it. */
	if (!listed)
		reply_slist_val(c->reply, ttl, ttl);
}

static int
dns_form(struct ctx *c)
{
	const char	*id = req_str(c->req, "elid");
	struct zone	 z;
	struct rec	 r;
	char		 buf[32];

	reply_field(c->reply, "plid", req_str(c->req, "plid"));
	if (*id == '\0') {
		reply_field(c->reply, "type", "A");
		reply_field(c->reply, "ttl", "1");
		reply_field(c->reply, "proxied", "on");
		form_slists(c, "1");
		return 0;
	}
	if (zone_find(c, req_str(c->req, "plid"), &z) == -1 ||
	    get_record(c, &z, id, &r) == -1)
		return -1;
	reply_field(c->reply, "elid", r.id);
	reply_field(c->reply, "type", r.type);
	reply_field(c->reply, "name", r.name);
	reply_field(c->reply, "content", r.content);
	fmt_ll(buf, sizeof(buf), r.ttl);
	reply_field(c->reply, "ttl", buf);
	if (r.priority >= 0) {
		fmt_ll(buf, sizeof(buf), r.priority);
		reply_field(c->reply, "priority", buf);
	}
	reply_field(c->reply, "proxied", r.proxied ? "on" : "off");
	reply_field(c->reply, "comment", r.comment);
	fmt_ll(buf, sizeof(buf), r.ttl);
	form_slists(c, buf);
	return 0;
}

/* SRV and CAA go to Cloudflare as "data"; content was checked already. */
static struct json *
record_data(const char *type, const char *content, long long prio)
{
	struct json	*d;
	unsigned	 a, b;
	char		 s[260];
	int		 off = 0;

	if ((d = json_new_obj()) == NULL)
		return NULL;
	if (strcmp(type, "SRV") == 0 &&
	    sscanf(content, "%u %u %255s", &a, &b, s) == 3) {
		if (json_set_int(d, "priority", prio) == 0 &&
		    json_set_int(d, "weight", a) == 0 &&
		    json_set_int(d, "port", b) == 0 &&
		    json_set_str(d, "target", s) == 0)
			return d;
	} else if (strcmp(type, "CAA") == 0 &&
	    sscanf(content, "%u %31s %n", &a, s, &off) == 2 && off > 0) {
		char	 v[4200];
		size_t	 len;

		cf_strlcpy(v, content + off, sizeof(v));
		len = strlen(v);
		/* The value may be quoted, as in a zone file. */
		if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
			v[len - 1] = '\0';
			memmove(v, v + 1, len - 1);
		}
		if (json_set_int(d, "flags", a) == 0 &&
		    json_set_str(d, "tag", s) == 0 &&
		    json_set_str(d, "value", v) == 0)
			return d;
	}
	json_free(d);
	return NULL;
}

/*
 * The body for a create (old == NULL) or the changed fields for an
 * edit.  Values are validated already.
 */
static struct json *
record_body(struct ctx *c, const struct rec *old, const char *fqdn,
    int *changedp, struct err *err)
{
	const struct request *q = c->req;
	const char	*type = req_str(q, "type"), *content =
			    req_str(q, "content"), *ttls = req_get(q, "ttl"),
			*prios = req_get(q, "priority"), *comment =
			    req_get(q, "comment");
	unsigned long long ttl = 1, prio = 0;
	struct json	*b, *d;
	int		 proxied, structured, changed, n0;

	if ((b = json_new_obj()) == NULL)
		goto nomem;
	if (ttls != NULL && *ttls != '\0')
		parse_uint(ttls, 86400, &ttl);
	if (prios != NULL && *prios != '\0')
		parse_uint(prios, 65535, &prio);
	structured = strcmp(type, "SRV") == 0 || strcmp(type, "CAA") == 0;

	/*
	 * The record's identity goes with every write, changed or not:
	 * Cloudflare's schema for a record wants type, name and content
	 * (or data) together, and they are what the form showed.  What
	 * the form may not show (ttl, proxied, comment, tags, settings)
	 * is sent only when it changed.
	 */
	if (json_set_str(b, "type", type) == -1 ||
	    json_set_str(b, "name", fqdn) == -1)
		goto nomem;
	if (structured) {
		if ((d = record_data(type, content, (long long)prio)) == NULL ||
		    json_set(b, "data", d) == -1)
			goto bad;
	} else if (json_set_str(b, "content", content) == -1)
		goto nomem;
	if (strcmp(type, "MX") == 0 &&
	    json_set_int(b, "priority", (long long)prio) == -1)
		goto nomem;
	changed = old == NULL || strcmp(old->type, type) != 0 ||
	    strcasecmp(old->name, fqdn) != 0 ||
	    strcmp(old->content, content) != 0 ||
	    (dns_has_priority(type) && old->priority != (long long)prio);
	n0 = json_count(b);
	if ((old == NULL || (ttls != NULL && old->ttl != (long long)ttl)) &&
	    json_set_int(b, "ttl", (long long)ttl) == -1)
		goto nomem;
	if (dns_proxiable(type)) {
		/* Unsent means unchanged: never reset proxied by omission. */
		proxied = req_on(q, "proxied", old ? old->proxied : 0);
		if ((old == NULL || old->proxied != proxied ||
		    !dns_proxiable(old->type)) &&
		    json_set_bool(b, "proxied", proxied) == -1)
			goto nomem;
	} else if (old != NULL && old->proxied &&
	    json_set_bool(b, "proxied", 0) == -1)
		goto nomem;	/* a proxied A turned into a TXT */
	if (comment != NULL && (old == NULL || strcmp(old->comment,
	    comment) != 0) && json_set_str(b, "comment", comment) == -1)
		goto nomem;
	*changedp = changed || json_count(b) > (size_t)n0;
	return b;
bad:
	err_set(err, "value", "content", "%s", T("The record content does "
	    "not match its type.", "Значение записи не соответствует её "
	    "типу."));
	json_free(b);
	return NULL;
nomem:
	err_set(err, "internal", "", "%s", T("Out of memory.",
	    "Недостаточно памяти."));
	json_free(b);
	return NULL;
}

static int
dns_save(struct ctx *c)
{
	const char	*zone = req_str(c->req, "plid"),
			*id = req_str(c->req, "elid"),
			*type = req_str(c->req, "type");
	char		 fqdn[256];
	struct zone	 z;
	struct rec	 old;
	struct cf_req	 r;
	struct json	*body = NULL;
	int		 rc = -1, changed;

	cf_req_init(&r, *id ? "PATCH" : "POST", PERM_DNS_EDIT);
	if (dns_name_fqdn(req_str(c->req, "name"), zone, fqdn, sizeof(fqdn),
	    &c->err) == -1 ||
	    dns_check_record(type, fqdn, req_str(c->req, "content"),
	    req_get(c->req, "priority"), &c->err) == -1)
		return -1;
	if (zone_find(c, zone, &z) == -1)
		return -1;
	if (*id != '\0' && get_record(c, &z, id, &old) == -1)
		return -1;
	if ((body = record_body(c, *id ? &old : NULL, fqdn, &changed,
	    &c->err)) == NULL)
		return -1;
	if (*id != '\0' && !changed) {
		reply_ok(c->reply);	/* nothing changed */
		rc = 0;
		goto out;
	}
	if (*id != '\0')
		cf_path(&r, "/zones/%s/dns_records/%s", z.id, id);
	else
		cf_path(&r, "/zones/%s/dns_records", z.id);
	r.body = body;
	if (cf_call(ctx_cf(c), &r, &c->err) == -1)
		goto out;
	log_info("dns: %s %s %s record %s in %s", c->req->user,
	    *id ? "changed" : "added", type, fqdn, zone);
	reply_ok(c->reply);
	rc = 0;
out:
	cf_req_clean(&r);
	json_free(body);
	return rc;
}

int
fn_dns_edit(struct ctx *c)
{
	return c->req->submit ? dns_save(c) : dns_form(c);
}

int
fn_dns_delete(struct ctx *c)
{
	return ctx_delete_ids(c, "/zones/%s/dns_records/%s", PERM_DNS_EDIT, "dns: deleted record");
}
