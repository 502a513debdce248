/*
 * The reply writer, the only file that sees libxml2.
 *
 * Replies are data only: the panel merges them with the lists and
 * forms declared in xml/ispmgr_mod_cloudflare.xml.  The document is
 * streamed through libxml2's text writer into one buffer, so a list
 * of 10,000 rows costs its text, not a tree of 160,000 nodes.  All
 * text and attribute values go through the writer's escaping calls
 * (xmlTextWriterWriteString, xmlTextWriterWriteAttribute), after
 * xml_clean has made them valid UTF-8 that XML allows; nothing is
 * ever written raw.
 *
 * An error discards whatever was written and starts the document
 * again.  If memory runs out half way, the reply degrades to a fixed
 * error document: the panel always gets something well-formed.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "cf.h"
#include "reply.h"

enum open { OPEN_NONE, OPEN_ELEM, OPEN_SLIST };

struct reply {
	xmlBufferPtr	 buf;
	xmlTextWriterPtr w;
	enum open	 open;	/* the <elem> or <slist> being written */
	int		 failed;
	int		 done;	/* the document is ended */
};

static const char fallback[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<doc><error type=\"internal\"><msg>The Cloudflare plugin ran out "
    "of memory. / Модулю Cloudflare не хватило памяти.</msg></error></doc>\n";

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
	const unsigned char	*p;
	char			*out, *o;
	size_t			 n;
	unsigned int		 c;

	if (s == NULL)
		s = "";
	/* A bad byte becomes three bytes of U+FFFD at the most. */
	if ((out = malloc(strlen(s) * 3 + 1)) == NULL)
		return NULL;
	for (o = out, p = (const unsigned char *)s; *p != '\0'; ) {
		/* NUL ends the string and is no continuation byte. */
		n = utf8_decode((const char *)p, 4, &c);
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

/* A fresh document with <doc> open. */
static int
start(struct reply *r)
{
	if (r->w != NULL)
		xmlFreeTextWriter(r->w);	/* frees nothing of buf */
	r->w = NULL;
	if (r->buf == NULL && (r->buf = xmlBufferCreate()) == NULL)
		return -1;
	xmlBufferEmpty(r->buf);
	r->open = OPEN_NONE;
	r->failed = 0;
	r->done = 0;
	if ((r->w = xmlNewTextWriterMemory(r->buf, 0)) == NULL ||
	    xmlTextWriterSetIndent(r->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(r->w, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(r->w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(r->w, BAD_CAST "doc") < 0)
		return -1;
	return 0;
}

struct reply *
reply_new(void)
{
	struct reply	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if (start(r) == -1) {
		reply_free(r);
		return NULL;
	}
	return r;
}

void
reply_free(struct reply *r)
{
	if (r == NULL)
		return;
	if (r->w != NULL)
		xmlFreeTextWriter(r->w);
	if (r->buf != NULL)
		xmlBufferFree(r->buf);
	free(r);
}

static void
check(struct reply *r, int rc)
{
	if (rc < 0)
		r->failed = 1;
}

/* Close the <elem> or <slist> in progress, if any. */
static void
close_open(struct reply *r)
{
	if (r->open != OPEN_NONE)
		check(r, xmlTextWriterEndElement(r->w));
	r->open = OPEN_NONE;
}

/* <name>text</name>, text escaped and cleaned; NULL text gives <name/>. */
static void
element(struct reply *r, const char *name, const char *text)
{
	char	*clean;

	check(r, xmlTextWriterStartElement(r->w, BAD_CAST name));
	if (text != NULL) {
		if ((clean = xml_clean(text)) == NULL) {
			r->failed = 1;
			return;
		}
		check(r, xmlTextWriterWriteString(r->w, BAD_CAST clean));
		free(clean);
	}
	check(r, xmlTextWriterEndElement(r->w));
}

static void
attribute(struct reply *r, const char *name, const char *value)
{
	char	*clean;

	if ((clean = xml_clean(value)) == NULL) {
		r->failed = 1;
		return;
	}
	check(r, xmlTextWriterWriteAttribute(r->w, BAD_CAST name,
	    BAD_CAST clean));
	free(clean);
}

void
reply_row(struct reply *r)
{
	if (r == NULL || r->failed)
		return;
	close_open(r);
	check(r, xmlTextWriterStartElement(r->w, BAD_CAST "elem"));
	r->open = OPEN_ELEM;
}

void
reply_col(struct reply *r, const char *name, const char *value)
{
	if (r == NULL || r->failed || r->open != OPEN_ELEM)
		return;
	element(r, name, value ? value : "");
}

void
reply_field(struct reply *r, const char *name, const char *value)
{
	if (r == NULL || r->failed)
		return;
	close_open(r);
	element(r, name, value ? value : "");
}

void
reply_slist(struct reply *r, const char *name)
{
	if (r == NULL || r->failed)
		return;
	close_open(r);
	check(r, xmlTextWriterStartElement(r->w, BAD_CAST "slist"));
	attribute(r, "name", name);
	r->open = OPEN_SLIST;
}

/* An option whose caption the panel takes from <msg name="FIELD_KEY">. */
void
reply_slist_msg(struct reply *r, const char *key)
{
	if (r == NULL || r->failed || r->open != OPEN_SLIST)
		return;
	element(r, "msg", key);
}

/* An option with its caption given here (domains, accounts). */
void
reply_slist_val(struct reply *r, const char *key, const char *caption)
{
	char	*clean;

	if (r == NULL || r->failed || r->open != OPEN_SLIST)
		return;
	check(r, xmlTextWriterStartElement(r->w, BAD_CAST "val"));
	attribute(r, "key", key);
	if ((clean = xml_clean(caption)) == NULL) {
		r->failed = 1;
		return;
	}
	check(r, xmlTextWriterWriteString(r->w, BAD_CAST clean));
	free(clean);
	check(r, xmlTextWriterEndElement(r->w));
}

void
reply_ok(struct reply *r)
{
	if (r == NULL || r->failed)
		return;
	close_open(r);
	element(r, "ok", NULL);
}

/* An error replaces whatever the reply held: the panel shows one thing. */
void
reply_error(struct reply *r, const struct err *e)
{
	if (r == NULL)
		return;
	if (start(r) == -1) {
		r->failed = 1;
		return;
	}
	check(r, xmlTextWriterStartElement(r->w, BAD_CAST "error"));
	attribute(r, "type", e->type[0] ? e->type : "internal");
	if (e->object[0] != '\0')
		attribute(r, "object", e->object);
	element(r, "msg", e->msg);
	check(r, xmlTextWriterEndElement(r->w));
}

/*
 * End the document and point at its text, or at the fallback.  The
 * writer may be used no more; the text lives as long as the reply.
 */
static const char *
finish(struct reply *r, size_t *lenp)
{
	const xmlChar	*content;
	int		 len;

	if (r != NULL && r->done && !r->failed)
		goto done;
	if (r == NULL || r->w == NULL)
		goto fallback;
	if (!r->failed) {
		close_open(r);
		check(r, xmlTextWriterEndDocument(r->w));
		check(r, xmlTextWriterFlush(r->w));
	}
	xmlFreeTextWriter(r->w);
	r->w = NULL;
	r->done = 1;
done:
	if (r->failed || (content = xmlBufferContent(r->buf)) == NULL ||
	    (len = xmlBufferLength(r->buf)) <= 0)
		goto fallback;
	*lenp = (size_t)len;
	return (const char *)content;
fallback:
	*lenp = sizeof(fallback) - 1;
	return fallback;
}

char *
reply_text(struct reply *r, size_t *lenp)
{
	const char	*text = finish(r, lenp);
	char		*out;

	if ((out = malloc(*lenp + 1)) == NULL)
		return NULL;
	memcpy(out, text, *lenp);
	out[*lenp] = '\0';
	return out;
}

/* Written straight from the writer's buffer: no copy of a big list. */
int
reply_write(struct reply *r, int fd)
{
	const char	*p;
	size_t		 len;
	ssize_t		 w;

	p = finish(r, &len);
	while (len > 0) {
		if ((w = write(fd, p, len)) <= 0)
			break;
		p += w;
		len -= (size_t)w;
	}
	return len == 0 ? 0 : -1;
}
