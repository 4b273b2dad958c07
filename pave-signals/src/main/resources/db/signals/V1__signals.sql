-- The journal: every signal accepted, once. dedup_key makes retries and HA duplicates no-ops.
create table journal (
  seq          bigserial primary key,
  id           text        not null,
  dedup_key    text        not null unique,
  received_at  timestamptz not null,
  time         timestamptz not null,
  type         text        not null,
  status       text        not null,
  severity     text        not null,
  app          text,
  environment  text,
  enrichment   text        not null,
  incident_id  text,
  notice       text        not null
);
create index journal_received on journal (received_at);

-- One row per incident key: its current state, as the incident state machine left it.
create table incidents (
  key          text primary key,
  id           text        not null,
  app          text,
  environment  text,
  state        text        not null,
  flapping     boolean     not null,
  updated_at   timestamptz not null,
  incident     text        not null
);
create index incidents_state on incidents (state, flapping);

-- What happened to an application in an environment, in order.
create table timeline (
  seq          bigserial primary key,
  app          text,
  environment  text,
  time         timestamptz not null,
  type         text        not null,
  status       text        not null,
  severity     text        not null,
  title        text        not null,
  summary      text        not null,
  signal_id    text        not null,
  incident_id  text,
  enrichment   text        not null
);
create index timeline_app_env_time on timeline (app, environment, time);
create index timeline_time on timeline (time);

-- Notices waiting for a sink, in order per sink, lane and ordering key.
create table outbox (
  seq             bigserial primary key,
  sink            text        not null,
  lane            int         not null,
  ordering_key    text        not null,
  signal_id       text        not null,
  notice          text        not null,
  attempts        int         not null default 0,
  next_attempt_at timestamptz not null,
  created_at      timestamptz not null,
  last_error      text
);
create index outbox_lane on outbox (sink, lane, seq);

-- Notices a sink refused for good or that ran out of attempts; `pave signals replay` re-queues them.
create table dead_letters (
  seq           bigserial primary key,
  outbox_seq    bigint      not null,
  sink          text        not null,
  ordering_key  text        not null,
  signal_id     text        not null,
  notice        text        not null,
  attempts      int         not null,
  last_error    text,
  created_at    timestamptz not null,
  dead_at       timestamptz not null
);
create index dead_letters_sink on dead_letters (sink, seq);

-- The ticket each ITSM sink keeps per incident, and the newest incident version applied to it.
create table tickets (
  sink         text not null,
  incident_id  text not null,
  ticket       text not null,
  version      int  not null,
  primary key (sink, incident_id)
);
