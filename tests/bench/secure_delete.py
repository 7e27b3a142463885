#!/usr/bin/env python3
# secure_delete.py -- CPU cost of PRAGMA secure_delete on vote upserts (docs/benchmarks.md,
# "Runs and retention"): 57,000 upserts into the votes table of schema 3, 512 per transaction,
# synchronous=OFF so that only CPU is measured, alternating OFF and ON.  Usage: python3 secure_delete.py
import os
import sqlite3
import tempfile
import time
def run(sd):
    p=os.path.join(tempfile.gettempdir(), 'handsup-secure-delete.db')
    for f in (p,p+'-wal',p+'-shm'):
        if os.path.exists(f): os.remove(f)
    c=sqlite3.connect(p, isolation_level=None)
    c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA synchronous=OFF'); c.execute('PRAGMA secure_delete=%s'%('ON' if sd else 'OFF'))
    c.execute('CREATE TABLE votes(run_id INTEGER NOT NULL, poll_id TEXT NOT NULL, participant INTEGER NOT NULL, choice TEXT NOT NULL, voted_at INTEGER NOT NULL, PRIMARY KEY(run_id, poll_id, participant)) WITHOUT ROWID')
    q='INSERT INTO votes VALUES(1,?,?,?,?) ON CONFLICT(run_id,poll_id,participant) DO UPDATE SET choice=excluded.choice, voted_at=excluded.voted_at'
    t=time.process_time()
    n=0
    for rnd in range(3):
        for start in range(0,19000,512):
            c.execute('BEGIN')
            for i in range(start,min(start+512,19000)):
                c.execute(q,('poll-%d'%(i%5), i, 'yes' if (i+rnd)%2 else 'no', 1700000000000+n)); n+=1
            c.execute('COMMIT')
    return time.process_time()-t, n
for sd in (False, True, False, True, False, True):
    t,n=run(sd); print('secure_delete', 'ON ' if sd else 'OFF', '%d upserts in %.3f s CPU: %.0f/s'%(n,t,n/t))
