-- Who acknowledged which incident occurrence (the incident's id: key and occurrence), so a
-- reopened incident asks to be acknowledged again. One row each; the first acknowledgement
-- stands.
create table console_incident_acks (
  incident_id  text primary key,
  incident_key text        not null,
  actor        text        not null,
  at           timestamptz not null
);
create index console_incident_acks_key on console_incident_acks (incident_key);
