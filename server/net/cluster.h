/* cluster.h -- cluster mode on the network edge (cluster.c). */
#ifndef HU_CLUSTER_H
#define HU_CLUSTER_H

struct server;

/* With a Redis store: follows every session served (notices, re-reads,
 * heartbeats).  Without one, nothing.  HU_OK or a hu_err. */
int cluster_start(struct server *srv);

#endif
