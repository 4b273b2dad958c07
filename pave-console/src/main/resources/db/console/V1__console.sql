-- API tokens for CI: only the SHA-256 of the token is kept; the token is shown once.
create table console_api_tokens (
  id           text primary key,
  name         text        not null,
  token_sha256 text        not null unique,
  role         text        not null,
  team         text,
  created_by   text        not null,
  created_at   timestamptz not null,
  expires_at   timestamptz not null,
  revoked_at   timestamptz,
  revoked_by   text,
  last_used_at timestamptz
);

-- Every change made through the console or its API: who, what, when, and how it ended.
create table console_audit (
  seq          bigserial primary key,
  time         timestamptz not null,
  actor        text        not null,
  via          text        not null,
  action       text        not null,
  target       text        not null,
  app          text,
  environment  text,
  team         text,
  outcome      text        not null,
  detail       text        not null
);
create index console_audit_time on console_audit (time);
create index console_audit_app on console_audit (app, environment, time);
