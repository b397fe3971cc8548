/*
 * conn_set.c - an event loop's connections, by descriptor and by
 * deadline. See conn_set.h.
 */
#include "conn_set.h"

#include <stdlib.h>

#include "grow.h"
#include "stats.h"

static struct conn *conn_of_timer(struct timer *t)
{
	return (struct conn *)(void *)((char *)t - offsetof(struct conn, timer));
}

bool conn_set_add(struct conn_set *s, struct conn *c)
{
	if (!grow_array(&s->by_fd, &s->len, (size_t)c->fd + 1, sizeof(*s->by_fd), 1024)) {
		stats_add(STAT_REFUSED, 1);
		conn_close(c);
		return false;
	}
	s->by_fd[c->fd] = c;
	return true;
}

void conn_set_remove(struct conn_set *s, struct conn *c)
{
	timer_cancel(&s->deadlines, &c->timer);
	if (c->fd >= 0 && (size_t)c->fd < s->len && s->by_fd[c->fd] == c)
		s->by_fd[c->fd] = NULL;
}

int conn_set_file_deadline(struct conn_set *s, struct conn *c)
{
	/* Lazy deadlines: an idle deadline moves later on every request, and
	 * moving a heap entry each time would cost O(log n) per request. Only
	 * an earlier deadline is moved now; a later one is found out when the
	 * old entry fires (nginx's timer tree makes the same bargain). */
	if (c->timer.slot == 0 || c->deadline_ms < c->timer.when_ms)
		return timer_schedule(&s->deadlines, &c->timer, c->deadline_ms);
	return 0;
}

void conn_set_drop_deadline(struct conn_set *s, struct conn *c)
{
	timer_cancel(&s->deadlines, &c->timer);
}

int conn_set_wait_ms(const struct conn_set *s)
{
	return timer_wait_ms(&s->deadlines);
}

struct conn *conn_set_next_expired(struct conn_set *s, uint64_t now)
{
	struct timer *t;

	while ((t = timer_first(&s->deadlines)) != NULL && t->when_ms <= now) {
		struct conn *c = conn_of_timer(t);

		if (c->deadline_ms > now) {
			/* Moved later since it was filed (conn_set_file_deadline). */
			timer_schedule(&s->deadlines, t, c->deadline_ms);
			continue;
		}
		timer_cancel(&s->deadlines, t);
		return c;
	}
	return NULL;
}

void conn_set_destroy(struct conn_set *s, void (*end)(struct conn *c, void *arg), void *arg)
{
	size_t fd;

	for (fd = 0; fd < s->len; fd++)
		if (s->by_fd[fd] != NULL)
			end(s->by_fd[fd], arg);
	free(s->by_fd);
	s->by_fd = NULL;
	s->len = 0;
	timer_heap_free(&s->deadlines);
}
