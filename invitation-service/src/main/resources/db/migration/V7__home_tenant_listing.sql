-- GET /api/v1/tenants/{tenant}/grants?side=home (and /invitations?side=home): a home tenant's people invited
-- elsewhere, newest first, keyset-paged like the resource side's invitation_tenant_listing
create index invitation_home_listing on invitation (invitee_tenant, created_at desc, id desc);
