/*
 * The reply writer, the only file that sees libxml2.
 *
 * Replies are data only: the panel merges them with the lists and
 * forms declared in xml/ispmgr_mod_cloudflare.xml.  All text goes in
 * through xmlNewTextChild and xmlNewProp, which escape it, after
 * xml_clean has made it valid UTF-8 that XML allows.
 *
 * If memory runs out half way, the reply degrades to a fixed error
 * document: the panel always gets something well-formed.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cf.h"
#include "reply.h"

struct reply {
	xmlDocPtr	 doc;
	xmlNodePtr	 root;
	xmlNodePtr	 row;	/* current <elem>, or NULL */
	xmlNodePtr	 slist;	/* current <slist>, or NULL */
	int		 failed;
};

static const char fallback[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<doc><error type=\"internal\"><msg>The Cloudflare plugin ran out "
    "of memory. / Модулю Cloudflare не хватило памяти.</msg></error></doc>\n";

/* Length of the valid UTF-8 sequence at p, with its code point; 0 if bad. */
static size_t
utf8_seq(const unsigned char *p, unsigned int *cp)
{
	size_t		 n, i;
	unsigned int	 c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are invalid. */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static int
xml_char_ok(unsigned int c)
{
	if (c < 0x20)
		return c == '\t' || c == '\n' || c == '\r';
	return c != 0xfffe && c != 0xffff;
}

char *
xml_clean(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out, *o;
	size_t			 n;
	unsigned int		 c;

	if (s == NULL)
		s = "";
	/* A bad byte becomes three bytes of U+FFFD at the most. */
	if ((out = malloc(strlen(s) * 3 + 1)) == NULL)
		return NULL;
	for (o = out, p = (const unsigned char *)s; *p != '\0'; ) {
		n = utf8_seq(p, &c);
		if (n == 0 || !xml_char_ok(c)) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p += n ? n : 1;
			continue;
		}
		memcpy(o, p, n);
		o += n;
		p += n;
	}
	*o = '\0';
	return out;
}

struct reply *
reply_new(void)
{
	struct reply	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->doc = xmlNewDoc(BAD_CAST "1.0")) == NULL ||
	    (r->root = xmlNewDocNode(r->doc, NULL, BAD_CAST "doc",
	    NULL)) == NULL) {
		reply_free(r);
		return NULL;
	}
	xmlDocSetRootElement(r->doc, r->root);
	return r;
}

void
reply_free(struct reply *r)
{
	if (r == NULL)
		return;
	xmlFreeDoc(r->doc);
	free(r);
}

/* A child with escaped, cleaned text; marks the reply failed on ENOMEM. */
static xmlNodePtr
add_text(struct reply *r, xmlNodePtr parent, const char *name,
    const char *text)
{
	xmlNodePtr	 n;
	char		*clean = NULL;

	if (r == NULL || r->failed)
		return NULL;
	if (text != NULL && (clean = xml_clean(text)) == NULL) {
		r->failed = 1;
		return NULL;
	}
	n = xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST clean);
	free(clean);
	if (n == NULL)
		r->failed = 1;
	return n;
}

static int
add_prop(struct reply *r, xmlNodePtr n, const char *name, const char *val)
{
	char	*clean;

	if (r->failed || n == NULL)
		return -1;
	if ((clean = xml_clean(val)) == NULL ||
	    xmlNewProp(n, BAD_CAST name, BAD_CAST clean) == NULL) {
		free(clean);
		r->failed = 1;
		return -1;
	}
	free(clean);
	return 0;
}

void
reply_row(struct reply *r)
{
	if (r == NULL)
		return;
	r->slist = NULL;
	r->row = add_text(r, r->root, "elem", NULL);
}

void
reply_col(struct reply *r, const char *name, const char *value)
{
	if (r == NULL || r->row == NULL)
		return;
	add_text(r, r->row, name, value ? value : "");
}

void
reply_field(struct reply *r, const char *name, const char *value)
{
	if (r == NULL)
		return;
	add_text(r, r->root, name, value ? value : "");
}

void
reply_slist(struct reply *r, const char *name)
{
	if (r == NULL)
		return;
	r->row = NULL;
	r->slist = add_text(r, r->root, "slist", NULL);
	if (add_prop(r, r->slist, "name", name) == -1)
		r->slist = NULL;
}

/* An option whose caption the panel takes from <msg name="FIELD_KEY">. */
void
reply_slist_msg(struct reply *r, const char *key)
{
	if (r == NULL || r->slist == NULL)
		return;
	add_text(r, r->slist, "msg", key);
}

/* An option with its caption given here (domains, accounts). */
void
reply_slist_val(struct reply *r, const char *key, const char *caption)
{
	xmlNodePtr	 n;

	if (r == NULL || r->slist == NULL)
		return;
	if ((n = add_text(r, r->slist, "val", caption)) != NULL)
		add_prop(r, n, "key", key);
}

void
reply_ok(struct reply *r)
{
	if (r == NULL)
		return;
	add_text(r, r->root, "ok", NULL);
}

/* An error replaces whatever the reply held: the panel shows one thing. */
void
reply_error(struct reply *r, const struct err *e)
{
	xmlNodePtr	 n, next;

	if (r == NULL)
		return;
	for (n = r->root->children; n != NULL; n = next) {
		next = n->next;
		xmlUnlinkNode(n);
		xmlFreeNode(n);
	}
	r->row = r->slist = NULL;
	r->failed = 0;
	n = add_text(r, r->root, "error", NULL);
	add_prop(r, n, "type", e->type[0] ? e->type : "internal");
	if (e->object[0] != '\0')
		add_prop(r, n, "object", e->object);
	add_text(r, n, "msg", e->msg);
}

char *
reply_text(struct reply *r, size_t *lenp)
{
	xmlChar	*buf = NULL;
	char	*out;
	int	 len = 0;

	if (r == NULL || r->failed) {
		*lenp = sizeof(fallback) - 1;
		return strdup(fallback);
	}
	xmlDocDumpFormatMemoryEnc(r->doc, &buf, &len, "UTF-8", 1);
	if (buf == NULL || len <= 0) {
		xmlFree(buf);
		*lenp = sizeof(fallback) - 1;
		return strdup(fallback);
	}
	if ((out = malloc((size_t)len + 1)) != NULL) {
		memcpy(out, buf, (size_t)len);
		out[len] = '\0';
		*lenp = (size_t)len;
	}
	xmlFree(buf);
	return out;
}

int
reply_write(struct reply *r, int fd)
{
	char		*text;
	const char	*p;
	size_t		 len;
	ssize_t		 w;

	if ((text = reply_text(r, &len)) == NULL) {
		p = fallback;
		len = sizeof(fallback) - 1;
	} else
		p = text;
	while (len > 0) {
		if ((w = write(fd, p, len)) <= 0)
			break;
		p += w;
		len -= (size_t)w;
	}
	free(text);
	return len == 0 ? 0 : -1;
}
