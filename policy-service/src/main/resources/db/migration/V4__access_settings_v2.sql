-- Issue #7: cross-tenant access settings, complete (docs/api.md, "Cross-tenant access settings").
--
-- partner_configurations now holds every configuration of a tenant: its partner configurations (partner = the
-- partner tenant id) and its default configuration (partner = '*', which no tenant id can be). settings null = the
-- partner configuration was deleted: the row stays so that versions (ETags) keep counting up.
alter table partner_configurations alter column settings drop not null;

-- v1 -> v2: collaboration.users (targets: emails) becomes collaboration.usersAndGroups (targets: {"user": email});
-- ["all"] stays ["all"]; nothing else changes (a member v1 left out was blocked; it now inherits the default, whose
-- built-in value is blocked: the same meaning for a tenant without a default, and no tenant has one yet).
create function crosstenant_v2_users(rule jsonb) returns jsonb language sql immutable as $$
    select jsonb_build_object('access', rule -> 'access', 'targets',
        case when rule -> 'targets' = '["all"]'::jsonb then '["all"]'::jsonb
             else (select coalesce(jsonb_agg(jsonb_build_object('user', t.v) order by t.n), '[]'::jsonb)
                   from jsonb_array_elements_text(rule -> 'targets') with ordinality as t(v, n)) end)
$$;
update partner_configurations
   set settings = jsonb_set(settings #- '{inbound,collaboration,users}', '{inbound,collaboration,usersAndGroups}',
                            crosstenant_v2_users(settings #> '{inbound,collaboration,users}'))
 where jsonb_typeof(settings #> '{inbound,collaboration,users}') = 'object';
update partner_configurations
   set settings = jsonb_set(settings #- '{outbound,collaboration,users}', '{outbound,collaboration,usersAndGroups}',
                            crosstenant_v2_users(settings #> '{outbound,collaboration,users}'))
 where jsonb_typeof(settings #> '{outbound,collaboration,users}') = 'object';
drop function crosstenant_v2_users(jsonb);

-- Every version of every configuration: who changed it, when, and the whole configuration as stored then
-- (null = deleted). The history API diffs consecutive versions. v1 rows enter with their current version.
create table access_settings_history (
    tenant             varchar(63)  not null,
    partner            varchar(63)  not null,
    version            bigint       not null,
    settings           jsonb,
    changed_by_tenant  varchar(63)  not null,
    changed_by_subject varchar(255) not null,
    changed_by_email   varchar(320),
    changed_at         timestamptz  not null,
    constraint access_settings_history_pk primary key (tenant, partner, version)
);
insert into access_settings_history (tenant, partner, version, settings, changed_by_tenant, changed_by_subject,
                                     changed_by_email, changed_at)
select tenant, partner, version, settings, tenant, updated_by, null, updated_at from partner_configurations;

-- an application may require MFA of guests and direct-connect users (the gateway enforces it)
alter table applications add column require_mfa boolean not null default false;
