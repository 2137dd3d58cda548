package org.crosstenant.invitation.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.messaging.AccessSettingsParser.Change;
import org.crosstenant.invitation.model.InvitationRules;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The local view of every (resource tenant, partner) pair's invitation rules (table {@code invitation_rules}; the
 * tenant's default under partner {@code ''}), fed from policy.events. Each change replaces the pair's row whole (or
 * removes it), so applying one twice, or replaying a partition from an older offset, ends in the same state: the
 * records of one pair share a key and so a partition, and are applied in their order.
 */
@ApplicationScoped
public class InvitationRulesRepository {

    private static final String UPSERT = "insert into invitation_rules (tenant, partner, who_may_invite,"
            + " domains_access, domains, version, default_version, updated_at)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (tenant, partner) do update set"
            + " who_may_invite = excluded.who_may_invite, domains_access = excluded.domains_access,"
            + " domains = excluded.domains, version = excluded.version, default_version = excluded.default_version,"
            + " updated_at = excluded.updated_at";
    private static final String DELETE = "delete from invitation_rules where tenant = $1 and partner = $2";
    /** The partner's row when it has one, else the default's ('' sorts first, so descending puts the partner first). */
    private static final String FIND = "select who_may_invite, domains_access, domains from invitation_rules"
            + " where tenant = $1 and partner in ($2, '') order by partner desc limit 1";

    /** The rules that apply to an invitation's (resource tenant, invitee tenant) pair, found from its id. */
    private static final String FIND_FOR_INVITATION = "select r.who_may_invite, r.domains_access, r.domains"
            + " from invitation i join invitation_rules r on r.tenant = i.resource_tenant"
            + " and r.partner in (i.invitee_tenant, '') where i.id = $1 order by r.partner desc limit 1";

    private final Pool pool;

    public InvitationRulesRepository(Pool pool) {
        this.pool = pool;
    }

    /** Applies one change (its own statement, committed on completion). */
    public Uni<Void> apply(Change change) {
        String partner = change.partner() == null ? "" : change.partner();
        if (change.deleted()) {
            return pool.preparedQuery(DELETE).execute(Tuple.of(change.tenant(), partner)).replaceWithVoid();
        }
        InvitationRules rules = change.rules();
        return pool.preparedQuery(UPSERT).execute(Tuple.from(new Object[] { change.tenant(), partner,
                rules.whoMayInvite(), rules.domainsAccess(), rules.domains().toArray(String[]::new), change.version(),
                change.defaultVersion(), Instant.now().atOffset(ZoneOffset.UTC) })).replaceWithVoid();
    }

    /**
     * The effective invitation rules of {@code resourceTenant} for {@code partner}: its partner configuration's,
     * else its default's, else {@link InvitationRules#BUILT_IN} (the contract's look-up; consumers never merge).
     */
    public Uni<InvitationRules> effective(String resourceTenant, String partner) {
        return pool.preparedQuery(FIND).execute(Tuple.of(resourceTenant, partner))
                .map(InvitationRulesRepository::first);
    }

    /**
     * The effective invitation rules of an invitation's pair, as {@link #effective} (one round trip; tenants are
     * never changed after filing). {@link InvitationRules#BUILT_IN} also for an unknown invitation.
     */
    public Uni<InvitationRules> effectiveFor(UUID invitationId) {
        return pool.preparedQuery(FIND_FOR_INVITATION).execute(Tuple.of(invitationId))
                .map(InvitationRulesRepository::first);
    }

    private static InvitationRules first(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return InvitationRules.BUILT_IN;
        }
        Row row = rows.iterator().next();
        return new InvitationRules(row.getString("who_may_invite"), row.getString("domains_access"),
                Set.copyOf(Arrays.asList(row.getArrayOfStrings("domains"))));
    }
}
