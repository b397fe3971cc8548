/*
 * comet.h - the Comet routes (article 003): POST /pub/NAME stores a message
 * and wakes whoever waits on NAME; GET /sub/NAME?after=ID answers with the
 * next message, or parks the connection until there is one.
 *
 * Three parts, for three kinds of caller:
 *   - the store (channel.h) and its one lock, in a shared mapping, so that
 *     02_fork's processes see each other's messages; respond.c calls it;
 *   - waiters: a parked connection is counted (the -W limit, /stats'
 *     "waiters") and, in an event loop, listed in its loop's room;
 *   - rooms: an event loop's waiting room, a list of parked connections per
 *     channel. A publish marks the channel due in every room and wakes the
 *     rooms of other threads; each loop then drives its own waiters, on its
 *     own thread, with no lock held while it writes (comet_room_deliver).
 * The blocking models have no room: a parked thread or process waits its
 * own way (conn_blocking.h), and hears of a publish through the hook it
 * set (comet_on_publish).
 */
#ifndef C10K_COMET_H
#define C10K_COMET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"

#define COMET_DEFAULT_WAITERS 65536u

struct conn;

/* Before any fork or thread (server_start). Exits on failure. */
void comet_init(unsigned channels, unsigned max_waiters);
unsigned comet_channel_count(void);
unsigned comet_max_waiters(void);

/* The channel of that name, made if new: its index. */
enum channel_status comet_open(const char *name, size_t len, unsigned *index);
/* Store a message under the channel's next id, then wake its waiters. */
enum channel_status comet_publish(unsigned index, const char *data, size_t len, uint64_t *id);
/* A copy of the first message after the cursor (CHANNEL_OK), or WAIT, or
 * GONE with the cursor to go on from in copy->id: a copy, because the
 * cache slot is reused 200 messages later. */
enum channel_status comet_take(unsigned index, uint64_t after, struct channel_message *copy);

/* A connection parks (false: past the -W limit, answer 503) and unparks.
 * In a thread that entered a room, it is listed there meanwhile. */
bool comet_park(struct conn *c);
void comet_unpark(struct conn *c);

/* The blocking models' way to hear of a publish: hook(index) runs after
 * each one, in the publisher's thread, with no lock held. Set once, before
 * any fork or thread. */
void comet_on_publish(void (*hook)(unsigned index));
/* The store's lock, for a model that waits on it (03_thread's condition
 * variables), and what to look at while holding it. */
pthread_mutex_t *comet_mutex(void);
bool comet_news_locked(unsigned index, uint64_t after);
/* The same look, taking the lock for it. */
bool comet_news(unsigned index, uint64_t after);

/* Rooms. wake(arg) is called from another thread's publish: it must make
 * the loop's wait return (a byte on a pipe), and may be called from any
 * thread. */
struct comet_room;
struct comet_room *comet_room_create(void (*wake)(void *arg), void *arg);
/* This thread's parked connections go to this room from now on. */
void comet_room_enter(struct comet_room *r);
/* Is there a publish this room has not delivered? */
bool comet_room_due(const struct comet_room *r);
/* For each waiter of a due channel whose cursor the channel has passed:
 * drive(c, arg), which runs the connection (it is unlisted first, so it
 * may close, or park again). */
void comet_room_deliver(struct comet_room *r, void (*drive)(struct conn *c, void *arg), void *arg);
/* Its connections must have been unparked (closed) first. */
void comet_room_destroy(struct comet_room *r);

#endif
