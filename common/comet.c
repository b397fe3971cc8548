/*
 * comet.c - the Comet store, its waiters and the event loops' rooms; see
 * comet.h.
 */
#include "comet.h"

#include <err.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "conn.h"
#include "stats.h"

/* One mapping, shared across fork (as stats.c's counters are): the lock,
 * the count of waiters and the store. A process-shared mutex is an
 * ordinary one for threads, and the only kind 02_fork's children can all
 * take. The store's pages are touched only as channels fill. */
struct shared {
	pthread_mutex_t lock;
	_Atomic unsigned waiters;
	unsigned max_waiters;
	struct channel_table table; /* last: its channels follow */
};

static struct shared *shared;
static void (*publish_hook)(unsigned index);

/* The rooms, for a publish to mark and wake: made as loops start, read by
 * every publish. Only threads have rooms, so this is plain memory. */
static pthread_mutex_t rooms_lock = PTHREAD_MUTEX_INITIALIZER;
static struct comet_room *rooms;
static _Thread_local struct comet_room *current_room;

struct waiting_list {
	struct conn *head, *tail;
};

struct comet_room {
	void (*wake)(void *arg);
	void *arg;
	struct comet_room *next;
	_Atomic bool any_due;
	_Atomic bool *due;            /* per channel */
	struct waiting_list *waiting; /* per channel; only the room's thread touches them */
};

void comet_init(unsigned channels, unsigned max_waiters)
{
	size_t size = offsetof(struct shared, table) + channel_table_size(channels);
	pthread_mutexattr_t attr;
	void *page = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		err(1, "mmap for the Comet channels");
	shared = page;
	if (pthread_mutexattr_init(&attr) != 0 ||
	    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) != 0 ||
	    pthread_mutex_init(&shared->lock, &attr) != 0)
		errx(1, "a process-shared mutex for the Comet channels");
	pthread_mutexattr_destroy(&attr);
	shared->max_waiters = max_waiters;
	channel_table_init(&shared->table, channels);
}

unsigned comet_channel_count(void)
{
	return shared->table.capacity;
}

unsigned comet_max_waiters(void)
{
	return shared->max_waiters;
}

pthread_mutex_t *comet_mutex(void)
{
	return &shared->lock;
}

static void lock(void)
{
	pthread_mutex_lock(&shared->lock);
}

static void unlock(void)
{
	pthread_mutex_unlock(&shared->lock);
}

enum channel_status comet_open(const char *name, size_t len, unsigned *index)
{
	enum channel_status s;

	lock();
	s = channel_find(&shared->table, name, len, index);
	unlock();
	return s;
}

bool comet_news_locked(unsigned index, uint64_t after)
{
	return shared->table.channels[index].last_id != after;
}

bool comet_news(unsigned index, uint64_t after)
{
	bool news;

	lock();
	news = comet_news_locked(index, after);
	unlock();
	return news;
}

static uint64_t last_id(unsigned index)
{
	uint64_t id;

	lock();
	id = shared->table.channels[index].last_id;
	unlock();
	return id;
}

static void mark_due(struct comet_room *r, unsigned index)
{
	atomic_store_explicit(&r->due[index], true, memory_order_relaxed);
	/* Release: a loop that sees any_due sees which channel, and the store
	 * (the lock's release ordered it before this). */
	atomic_store_explicit(&r->any_due, true, memory_order_release);
}

enum channel_status comet_publish(unsigned index, const char *data, size_t len, uint64_t *id)
{
	enum channel_status s;
	struct comet_room *r;

	lock();
	s = channel_publish(&shared->table, index, data, len, id);
	unlock();
	if (s != CHANNEL_OK)
		return s;
	/* Every room learns of it; the publisher's own loop delivers at the end
	 * of this event (loop.c), the others when their wait returns. A wake is
	 * a byte on a pipe, not a write to a client's socket. */
	pthread_mutex_lock(&rooms_lock);
	for (r = rooms; r != NULL; r = r->next) {
		mark_due(r, index);
		if (r != current_room && r->wake != NULL)
			r->wake(r->arg);
	}
	pthread_mutex_unlock(&rooms_lock);
	if (publish_hook != NULL)
		publish_hook(index);
	return s;
}

enum channel_status comet_take(unsigned index, uint64_t after, struct channel_message *copy)
{
	const struct channel_message *m;
	enum channel_status s;

	lock();
	s = channel_after(&shared->table, index, after, &m, &copy->id);
	if (s == CHANNEL_OK) {
		copy->id = m->id;
		copy->len = m->len;
		memcpy(copy->data, m->data, m->len);
	}
	unlock();
	return s;
}

void comet_on_publish(void (*hook)(unsigned index))
{
	publish_hook = hook;
}

bool comet_park(struct conn *c)
{
	unsigned index = c->reply.park.channel;
	struct comet_room *r = current_room;
	struct waiting_list *w;
	unsigned before = atomic_fetch_add(&shared->waiters, 1);

	if (before >= shared->max_waiters) {
		atomic_fetch_sub(&shared->waiters, 1);
		return false;
	}
	stats_add(STAT_WAITERS, 1);
	c->park.waiting = true;
	c->park.room = r;
	if (r == NULL)
		return true; /* a blocking model: it waits its own way */
	w = &r->waiting[index];
	c->park.prev = w->tail;
	c->park.next = NULL;
	if (w->tail != NULL)
		w->tail->park.next = c;
	else
		w->head = c;
	w->tail = c;
	/* A publish may have come between the answer's look at the store and
	 * now (11_pool looks on a worker, parks on the loop): then it found
	 * this connection not yet listed, so look once more. */
	if (comet_news(index, c->reply.park.after))
		mark_due(r, index);
	return true;
}

static void unlist(struct comet_room *r, struct conn *c)
{
	struct waiting_list *w = &r->waiting[c->reply.park.channel];

	if (c->park.prev != NULL)
		c->park.prev->park.next = c->park.next;
	else
		w->head = c->park.next;
	if (c->park.next != NULL)
		c->park.next->park.prev = c->park.prev;
	else
		w->tail = c->park.prev;
	c->park.prev = c->park.next = NULL;
}

void comet_unpark(struct conn *c)
{
	if (!c->park.waiting)
		return;
	c->park.waiting = false;
	if (c->park.room != NULL)
		unlist(c->park.room, c);
	c->park.room = NULL;
	atomic_fetch_sub(&shared->waiters, 1);
	stats_add(STAT_WAITERS, -1);
}

struct comet_room *comet_room_create(void (*wake)(void *arg), void *arg)
{
	unsigned n = comet_channel_count();
	struct comet_room *r = calloc(1, sizeof(*r));

	if (r == NULL || (r->due = calloc(n, sizeof(*r->due))) == NULL ||
	    (r->waiting = calloc(n, sizeof(*r->waiting))) == NULL)
		err(1, "a Comet room");
	r->wake = wake;
	r->arg = arg;
	pthread_mutex_lock(&rooms_lock);
	r->next = rooms;
	rooms = r;
	pthread_mutex_unlock(&rooms_lock);
	return r;
}

void comet_room_enter(struct comet_room *r)
{
	current_room = r;
}

bool comet_room_due(const struct comet_room *r)
{
	return atomic_load_explicit(&r->any_due, memory_order_acquire);
}

void comet_room_deliver(struct comet_room *r, void (*drive)(struct conn *c, void *arg), void *arg)
{
	unsigned index, n = comet_channel_count();

	if (!atomic_exchange_explicit(&r->any_due, false, memory_order_acq_rel))
		return;
	for (index = 0; index < n; index++) {
		struct waiting_list *w = &r->waiting[index];
		struct conn *c, *next;
		uint64_t last;

		if (!atomic_exchange_explicit(&r->due[index], false, memory_order_relaxed) ||
		    w->head == NULL)
			continue;
		last = last_id(index);
		/* Only those present now: one that parks again while it is
		 * driven (a pipelined /sub) is appended, and waits for the
		 * next publish. */
		c = w->head;
		for (struct conn *end = w->tail; c != NULL; c = next) {
			bool was_last = c == end;

			next = c->park.next;
			if (c->reply.park.after != last) {
				unlist(r, c);
				c->park.room = NULL; /* comet_unpark has nothing to unlist */
				drive(c, arg);
			}
			if (was_last)
				break;
		}
	}
}

void comet_room_destroy(struct comet_room *r)
{
	struct comet_room **p;

	pthread_mutex_lock(&rooms_lock);
	for (p = &rooms; *p != NULL; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			break;
		}
	pthread_mutex_unlock(&rooms_lock);
	if (current_room == r)
		current_room = NULL;
	free(r->due);
	free(r->waiting);
	free(r);
}
