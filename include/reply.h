/*
 * The reply writer: the only module that sees libxml2.  A reply is
 * one ispmanager document: list rows, form values, select lists, an
 * <ok/>, or an <error>.  Text is escaped and made valid UTF-8 here,
 * whatever bytes it came from.
 */
#ifndef REPLY_H
#define REPLY_H

#include <stddef.h>

struct err;
struct reply;

struct reply	*reply_new(void);
void		 reply_free(struct reply *);

void		 reply_row(struct reply *);	/* a new list row, <elem> */
void		 reply_col(struct reply *, const char *, const char *);
void		 reply_field(struct reply *, const char *, const char *);
void		 reply_slist(struct reply *, const char *);
void		 reply_slist_msg(struct reply *, const char *);
void		 reply_slist_val(struct reply *, const char *, const char *);
void		 reply_ok(struct reply *);
void		 reply_error(struct reply *, const struct err *);

char		*reply_text(struct reply *, size_t *);	/* free() it */
int		 reply_write(struct reply *, int);

/* Valid UTF-8 that XML 1.0 allows, bad bytes as U+FFFD; free() it. */
char		*xml_clean(const char *);

#endif /* REPLY_H */
