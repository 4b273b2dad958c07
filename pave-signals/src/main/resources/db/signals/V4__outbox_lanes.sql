-- Which replica drains a sink's lane, and until when. A replica renews its lease while it runs;
-- the lease of one that died (kill -9, lost node) runs out and another replica takes the lane,
-- so a lane, and with it every incident's notices for that sink, is drained by one replica at
-- a time, in order. Times are the database's, so replicas' clocks need not agree.
create table outbox_lanes (
  sink        text        not null,
  lane        int         not null,
  owner       text        not null,
  expires_at  timestamptz not null,
  primary key (sink, lane)
);
-- The replicas draining each sink, renewed with their leases: each takes at most its share of
-- the lanes (lanes / live replicas, rounded up) and gives back lanes beyond it, so a replica
-- that joins gets work and one that died stops counting once its row expires.
create table outbox_members (
  sink        text        not null,
  owner       text        not null,
  expires_at  timestamptz not null,
  primary key (sink, owner)
);
