-- Issue #8 (continuous access evaluation): policy-service's own projection of every invitation that is still live,
-- so that a settings change can re-evaluate them in its own transaction (docs/topics.md, "Live invitations").
-- Fed by the decision batch (an allow decision -> requested) and by invitations.events through its own consumer group
-- (approval-requested -> pending_approval, approved -> pending_acceptance, redeemed -> accepted, denied/declined/
-- revoked/expired -> ended). A settings change that ends one marks it withdrawn.
--   stage                   1 requested, 2 pending_approval, 3 pending_acceptance, 4 accepted, 5 ended or withdrawn:
--                           a row only ever moves to a higher stage, so replays and the order in which the two
--                           feeds see one invitation change nothing (an ended row stays as a tombstone, so that a
--                           late allow decision cannot bring it back)
--   filed_by_resource_admin who filed the request (whoMayInvite); null = not seen (the request was decided before
--                           this table existed, or only the invitation's later events were seen)
--   guest_subject           the guest's home subject, from redeemed.v1 (the access rules check subjects)
create table live_invitations (
    invitation_id           uuid         primary key,
    resource_tenant         varchar(63)  not null,
    home_tenant             varchar(63)  not null,
    application             varchar(63)  not null,
    invitee_email           varchar(320) not null,
    filed_by_resource_admin boolean,
    guest_subject           varchar(255),
    stage                   smallint     not null,
    status                  varchar(32)  not null,
    updated_at              timestamptz  not null,
    constraint live_invitations_stage_ck check (stage between 1 and 5)
);

-- a change of a tenant reads the live invitations in which it is the resource tenant, and those in which it is home
create index live_invitations_resource_idx on live_invitations (resource_tenant, home_tenant) where stage < 5;
create index live_invitations_home_idx on live_invitations (home_tenant, resource_tenant) where stage < 5;
