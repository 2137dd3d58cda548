package org.crosstenant.policy.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.PartnerConfiguration;
import org.crosstenant.policy.repository.DecisionBatchRepository.StoredSettings;

import java.util.List;
import java.util.Map;

/**
 * Reads, without changing anything, what one access or invitation decision of a (resource tenant, home tenant,
 * application) depends on: both tenants' stored partner configurations for each other and their defaults, and the
 * application's registration. One read-only transaction at REPEATABLE READ, so every input comes from the same
 * snapshot (a settings change committing in between is seen entirely or not at all).
 */
@ApplicationScoped
public class EvaluationInputsRepository {

    private static final String READ_ONLY_SNAPSHOT = "set transaction isolation level repeatable read, read only";
    private static final String APPLICATION = "select require_mfa from applications where tenant = $1 and app_id = $2";

    /**
     * What a decision reads.
     *
     * @param configurations the stored live configurations among (resource, home), (home, resource), (resource,
     *                       default), (home, default), by {@link DecisionBatchRepository#key} (absent = none)
     * @param registered     whether the resource tenant registered the application
     * @param requireMfa     whether that registration requires MFA (false when not registered)
     */
    public record Inputs(Map<String, StoredSettings> configurations, boolean registered, boolean requireMfa) {
    }

    private final Pool pool;
    private final DecisionBatchRepository batches;

    public EvaluationInputsRepository(Pool pool, DecisionBatchRepository batches) {
        this.pool = pool;
        this.batches = batches;
    }

    /**
     * @param resourceTenant the tenant that owns the application
     * @param homeTenant     the person's tenant
     * @param application    the application id
     * @return the inputs; fails when the database does
     */
    public Uni<Inputs> read(String resourceTenant, String homeTenant, String application) {
        String def = PartnerConfiguration.DEFAULT;
        return pool.withTransaction(connection -> connection.query(READ_ONLY_SNAPSHOT).execute()
                .chain(() -> batches.configurations(connection,
                        List.of(resourceTenant, homeTenant, resourceTenant, homeTenant),
                        List.of(homeTenant, resourceTenant, def, def)))
                .chain(configurations -> connection.preparedQuery(APPLICATION)
                        .execute(Tuple.of(resourceTenant, application))
                        .map(rows -> {
                            RowIterator<Row> found = rows.iterator();
                            if (!found.hasNext()) {
                                return new Inputs(configurations, false, false);
                            }
                            return new Inputs(configurations, true, found.next().getBoolean(0));
                        })));
    }
}
