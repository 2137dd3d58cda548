-- Issue #7.
-- 1. Admin approval: an allowed request whose invitation rules require approval waits in pending_approval until a
--    collab-admin of the resource tenant approves (-> pending_acceptance) or declines (-> declined) it.
alter table invitation drop constraint invitation_status_check;
alter table invitation add constraint invitation_status_check check (status in ('requested', 'pending_approval',
    'pending_acceptance', 'accepted', 'denied', 'declined', 'revoked', 'expired'));
alter table invitation
    add column approved_at          timestamptz,
    add column approved_by_tenant   varchar(63),
    add column approved_by_subject  varchar(255),
    add column approved_by_email    varchar(254),
    add column declined_at          timestamptz,
    add column declined_by_tenant   varchar(63),
    add column declined_by_subject  varchar(255),
    add column declined_by_email    varchar(254),
    add column approval_reason      varchar(1024);  -- the admin's optional reason for approving or declining
drop index invitation_open_expiry;
create index invitation_open_expiry on invitation (expires_at)
    where status in ('requested', 'pending_approval', 'pending_acceptance');
-- grants past their end are expired by the same sweep, which frees the (tenant, application, invitee) slot below
create index invitation_grant_expiry on invitation (grant_expires_at) where status = 'accepted';

-- 2. One live request per (resource tenant, application, invitee canonical email). Rows filed before this rule that
--    break it are resolved first: the active grant (else the newest request) stays, every other one is revoked by the
--    system, with its revoked.v1 event in the outbox so that the gateway drops any grant it held.
with ranked as (
    select id, row_number() over (partition by resource_tenant, application, invitee_email
                                  order by (status = 'accepted') desc, created_at desc, id) as rank
    from invitation where status in ('requested', 'pending_acceptance', 'accepted')),
revoked as (
    update invitation i set status = 'revoked', redemption_code = null, revoked_at = now(),
           revoked_by_tenant = i.resource_tenant, revoked_by_subject = 'system:one-live-request',
           updated_at = now(), version = i.version + 1
    from ranked r where r.id = i.id and r.rank > 1
    returning i.*)
insert into outbox (id, aggregate_type, aggregate_id, type, topic, payload, occurred_at)
select gen_random_uuid(), 'invitation', r.id::text, 'org.crosstenant.invitation.revoked.v1', 'invitations.events',
       jsonb_build_object('invitationId', r.id::text, 'resourceTenant', r.resource_tenant,
           'application', r.application,
           'invitee', jsonb_build_object('tenant', r.invitee_tenant, 'email', r.invitee_email),
           'guest', case when r.guest_subject is null then 'null'::jsonb else jsonb_build_object(
               'tenant', r.guest_tenant, 'issuer', r.guest_issuer, 'subject', r.guest_subject,
               'email', r.guest_email) end,
           'revokedBy', jsonb_build_object('tenant', r.resource_tenant, 'subject', 'system:one-live-request',
               'email', null),
           'occurredAt', to_char(r.revoked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
       r.revoked_at
from revoked r order by r.created_at;

create unique index invitation_one_live on invitation (resource_tenant, application, invitee_email)
    where status in ('requested', 'pending_approval', 'pending_acceptance', 'accepted');

-- the tenant listings: GET /api/v1/tenants/{tenant}/invitations and /grants, newest first, keyset-paged
create index invitation_tenant_listing on invitation (resource_tenant, created_at desc, id desc);

-- 3. The invitation rules of each (resource tenant, partner) pair, and of each tenant's default (partner = ''), as
--    policy-service published them (policy.events access-settings-changed.v2, "effective.invitations"): a local view,
--    so that filing needs no remote call. Replaced whole by each event; a deleted pair's row is removed.
create table invitation_rules (
    tenant          varchar(63)  not null,
    partner         varchar(63)  not null,   -- '' = the tenant's default configuration
    who_may_invite  varchar(32)  not null
        check (who_may_invite in ('adminsOnly', 'adminsAndPartnerSystems', 'none')),
    domains_access  varchar(8)   check (domains_access in ('allowed', 'blocked')),  -- null = no domain restriction
    domains         text[]       not null default '{}',
    version         bigint       not null,
    default_version bigint       not null,
    updated_at      timestamptz  not null,
    primary key (tenant, partner)
);
