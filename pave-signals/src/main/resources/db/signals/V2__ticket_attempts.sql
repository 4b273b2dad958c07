-- A ticket create whose answer may have been lost: until the system's search can be trusted to
-- show the ticket, it is not created again.
create table ticket_attempts (
  sink          text        not null,
  incident_id   text        not null,
  attempted_at  timestamptz not null,
  primary key (sink, incident_id)
);
