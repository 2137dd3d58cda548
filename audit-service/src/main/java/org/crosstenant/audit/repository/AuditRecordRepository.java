package org.crosstenant.audit.repository;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

import org.crosstenant.audit.model.AuditRecordEntity;

@ApplicationScoped
@WithSession
public class AuditRecordRepository implements PanacheRepositoryBase<AuditRecordEntity, Long> {

    /** Filters of the query API; null means "any". */
    public record Filter(String action, String invitationId, String sourceType) {
        public static final Filter NONE = new Filter(null, null, null);
    }

    /** Records concerning {@code tenant} after {@code after}, oldest first. The tenant condition is never optional. */
    public Uni<List<AuditRecordEntity>> pageForTenant(String tenant, long after, int limit, Filter filter) {
        StringBuilder query = new StringBuilder("array_contains(tenants, :tenant) and sequence > :after");
        Parameters params = Parameters.with("tenant", tenant).and("after", after);
        if (filter.action() != null) {
            query.append(" and action = :action");
            params.and("action", filter.action());
        }
        if (filter.invitationId() != null) {
            query.append(" and invitationId = :invitationId");
            params.and("invitationId", filter.invitationId());
        }
        if (filter.sourceType() != null) {
            query.append(" and sourceType = :sourceType");
            params.and("sourceType", filter.sourceType());
        }
        return find(query.toString(), Sort.by("sequence"), params).range(0, limit - 1).list();
    }

    /**
     * The records concerning {@code tenant} with sequences from {@code first} to {@code last} (both included), oldest
     * first: one page of an export.
     */
    public Uni<List<AuditRecordEntity>> rangeForTenant(String tenant, long first, long last) {
        return find("array_contains(tenants, :tenant) and sequence >= :first and sequence <= :last",
                Sort.by("sequence"), Parameters.with("tenant", tenant).and("first", first).and("last", last)).list();
    }

    public static List<String> tenantsOf(AuditRecordEntity record) {
        return new ArrayList<>(List.of(record.tenants));
    }
}
