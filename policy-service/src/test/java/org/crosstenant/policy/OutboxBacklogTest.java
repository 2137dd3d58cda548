package org.crosstenant.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.inject.Inject;

import org.crosstenant.policy.repository.OutboxRepository;
import org.crosstenant.policy.service.PolicyEvents;
import org.crosstenant.platform.outbox.OutboxPlanProbe;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The outbox gauges ({@link OutboxRepository#backlog()}) count waiting rows and parked rows, never published ones,
 * and age the oldest waiting row. Read inside one repeatable-read transaction that is rolled back: the rows this test
 * adds are the only difference between the two readings, whatever the relay publishes meanwhile.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class OutboxBacklogTest {

    @Inject
    OutboxRepository outbox;

    @Inject
    Pool pool;

    @Test
    void backlogCountsWaitingAndParkedRowsNeverPublishedOnes() throws Throwable {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        OutboxRepository.Backlog[] seen = new OutboxRepository.Backlog[2];
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery("set transaction isolation level repeatable read")
                        .executeUpdate())
                .chain(() -> outbox.backlog()).invoke(backlog -> seen[0] = backlog)
                .chain(() -> insert(3, now.minus(1, ChronoUnit.HOURS), null, null))
                .chain(() -> insert(2, now, null, now))
                .chain(() -> insert(4, now.minus(2, ChronoUnit.HOURS), now, null))
                .chain(() -> outbox.backlog()).invoke(backlog -> seen[1] = backlog)
                .chain(() -> Panache.currentTransaction()).invoke(transaction -> transaction.markForRollback())));

        assertEquals(seen[0].count() + 3, seen[1].count(), "waiting rows: parked and published ones not counted");
        assertEquals(seen[0].parked() + 2, seen[1].parked(), "parked rows");
        // the oldest waiting row is at least the hour-old one; the two-hour-old published rows do not count, but an
        // older waiting row of another test may
        assertTrue(!seen[1].oldest().isAfter(now.minus(1, ChronoUnit.HOURS)), "oldest " + seen[1].oldest());
        if (seen[0].oldest() == null || seen[0].oldest().isAfter(now.minus(2, ChronoUnit.HOURS))) {
            assertTrue(seen[1].oldest().isAfter(now.minus(2, ChronoUnit.HOURS)),
                    "a published row aged the backlog: " + seen[1].oldest());
        }
    }

    @Test
    void dueRowsOrderCheckReadsOnlyRowsBackingOffNotTheBacklog() throws Exception {
        // 3 000 rows waiting for their first send, statistics taken with them, in a transaction that is rolled back:
        // the per-aggregate order check must read the rows backing off (a handful from other tests at most), not
        // every pending row once per relay round, which made each round slower the longer the backlog grew
        int backlog = 3000;
        OutboxPlanProbe.OrderCheck check = OutboxPlanProbe.orderCheck(pool.getDelegate(), OutboxRepository.DUE_ROWS,
                "tenant", PolicyEvents.APPLICATION_REGISTERED, PolicyEvents.POLICY_EVENTS_TOPIC, backlog);

        // rows backing off (other tests' retries) may be counted once per later row of their aggregate, and the count
        // above is another snapshot than the plan's: a bound far below the backlog, far above any such handful
        assertTrue(check.read() < check.backingOff() + backlog / 10, "the order check read " + check.read()
                + " rows where " + check.backingOff() + " are backing off (backlog " + backlog + ")");
    }

    private Uni<Integer> insert(int rows, Instant occurredAt, Instant publishedAt, Instant parkedAt) {
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (int i = 0; i < rows; i++) {
            chain = chain.chain(() -> Panache.getSession().flatMap(session -> session
                    .createNativeQuery("insert into outbox (id, aggregate_type, aggregate_id, type, topic, payload,"
                            + " occurred_at, published_at, parked_at, park_reason) values (:id, :aggregateType,"
                            + " :aggregateId, :type, :topic, cast('{}' as jsonb), :occurredAt, cast(:publishedAt as timestamptz),"
                            + " cast(:parkedAt as timestamptz), cast(:reason as text))")
                    .setParameter("id", UUID.randomUUID())
                    .setParameter("aggregateType", "tenant")
                    .setParameter("aggregateId", "backlog-" + UUID.randomUUID())
                    .setParameter("type", PolicyEvents.APPLICATION_REGISTERED)
                    .setParameter("topic", PolicyEvents.POLICY_EVENTS_TOPIC)
                    // as policy-service binds instants (OutboxRepository): with an explicit UTC offset
                    .setParameter("occurredAt", occurredAt.atOffset(java.time.ZoneOffset.UTC))
                    .setParameter("publishedAt", publishedAt == null ? null : publishedAt.atOffset(java.time.ZoneOffset.UTC))
                    .setParameter("parkedAt", parkedAt == null ? null : parkedAt.atOffset(java.time.ZoneOffset.UTC))
                    .setParameter("reason", parkedAt == null ? null : "test")
                    .executeUpdate()));
        }
        return chain;
    }
}
