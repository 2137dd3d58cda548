package org.crosstenant.platform.outbox;

import java.util.concurrent.TimeUnit;

import org.crosstenant.stack.infra.testing.ExplainPlans;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * For the services' outbox tests: how many rows a relay's due-rows query reads through its per-aggregate order check
 * (the alias {@code e}) when a backlog of rows waiting for their first send exists. The backlog is added, analysed
 * and explained in one transaction that is rolled back, so the table is left as it was. Row counts, not timings.
 */
public final class OutboxPlanProbe {

    /**
     * @param read       rows the order check read, from {@code EXPLAIN (ANALYZE)}
     * @param backingOff rows backing off in the table (other tests' retries), counted in the same transaction
     */
    public record OrderCheck(long read, long backingOff) {
    }

    private OutboxPlanProbe() {
    }

    /**
     * @param pool          the service's database (the Vert.x core pool behind its Mutiny one)
     * @param dueRows       the relay's due-rows query, with {@code :limit} as its one parameter
     * @param aggregateType what the backlog's rows carry, each with an aggregate id of its own
     * @param type          the rows' event type
     * @param topic         the rows' topic
     * @param backlog       how many pending rows to add
     * @return what the order check read
     * @throws Exception when a statement fails or the probe takes longer than 60 s
     */
    public static OrderCheck orderCheck(Pool pool, String dueRows, String aggregateType, String type, String topic,
            int backlog) throws Exception {
        return pool.withConnection(connection -> connection.query("begin").execute()
                        .compose(begun -> probe(connection, dueRows, aggregateType, type, topic, backlog))
                        .transform(result -> connection.query("rollback").execute()
                                .transform(ignored -> result.succeeded() ? Future.succeededFuture(result.result())
                                        : Future.<OrderCheck>failedFuture(result.cause()))))
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static Future<OrderCheck> probe(SqlConnection connection, String dueRows, String aggregateType,
            String type, String topic, int backlog) {
        return connection.preparedQuery("insert into outbox (id, aggregate_type, aggregate_id, type, topic, payload,"
                        + " occurred_at) select gen_random_uuid(), $1, gen_random_uuid()::text, $2, $3,"
                        + " cast('{}' as jsonb), now() from generate_series(1, $4)")
                .execute(Tuple.of(aggregateType, type, topic, backlog))
                .compose(inserted -> connection.query("analyze outbox").execute())
                .compose(analysed -> connection.query("select count(*) from outbox where published_at is null"
                        + " and parked_at is null and next_attempt_at is not null").execute())
                .compose(counted -> {
                    long backingOff = counted.iterator().next().getLong(0);
                    return connection.query("explain (analyze, format json) " + dueRows.replace(":limit", "100"))
                            .execute()
                            .map(plan -> new OrderCheck(ExplainPlans.rowsRead(
                                    String.valueOf(plan.iterator().next().getValue(0)), "e"), backingOff));
                });
    }
}
