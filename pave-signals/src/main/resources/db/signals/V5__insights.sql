-- Insights: the platform's scorecard, rolled up as the journal is written (same transaction),
-- so a question over a year reads days, never the journal. Parts enrichment could not tell
-- (team, app, environment) are '' rather than null, so they can be part of a primary key.

-- Counts per day: deploys, changes, failed changes, rollbacks, denials by rule, ...
create table insights_rollup (
  day          date             not null,
  team         text             not null,
  environment  text             not null,
  app          text             not null,
  measure      text             not null,
  detail       text             not null,
  value        double precision not null,
  primary key (day, team, environment, app, measure, detail)
);
create index insights_rollup_team on insights_rollup (team, day);

-- Durations, one row each, since distributions need them: lead time, time to restore,
-- rollback to Available, first finding to fix, onboarding.
create table insights_samples (
  seq          bigserial        primary key,
  day          date             not null,
  team         text             not null,
  environment  text             not null,
  app          text             not null,
  measure      text             not null,
  detail       text             not null,
  seconds      double precision not null
);
create index insights_samples_day on insights_samples (day);
create index insights_samples_team on insights_samples (team, day);

-- What the fold remembers of each application in each environment between facts.
create table insights_apps (
  app                  text    not null,
  environment          text    not null,
  highest_available    int     not null,
  running              int     not null,
  running_since        timestamptz,
  pending              int     not null,
  pending_commit_time  timestamptz,
  failed               int     not null,
  failed_at            timestamptz,
  rollback_at          timestamptz,
  first_denied_at      timestamptz,
  primary key (app, environment)
);

-- When each team was created and the environments it has deployed to since.
create table insights_teams (
  team        text   primary key,
  created_at  timestamptz,
  onboarded   text[] not null
);

-- The workload inventory: managed by Pave or not, first and last seen.
create table insights_workloads (
  namespace    text        not null,
  kind         text        not null,
  name         text        not null,
  team         text        not null,
  app          text        not null,
  environment  text        not null,
  managed      boolean     not null,
  first_seen   timestamptz not null,
  last_seen    timestamptz not null,
  primary key (namespace, kind, name)
);

-- Policy exceptions in use: first and last used, when each expires.
create table insights_exceptions (
  app          text        not null,
  environment  text        not null,
  name         text        not null,
  team         text        not null,
  first_used   timestamptz not null,
  last_used    timestamptz not null,
  expires_at   timestamptz,
  primary key (app, environment, name)
);
