package org.crosstenant.invitation.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.inject.Inject;

import org.crosstenant.invitation.KafkaSupport;
import org.crosstenant.invitation.repository.OutboxRepository;
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
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
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

        assertEquals(seen[0].rows() + 3, seen[1].rows(), "waiting rows: parked and published ones not counted");
        assertEquals(seen[0].parked() + 2, seen[1].parked(), "parked rows");
        // the oldest waiting row is at least the hour-old one; the two-hour-old published rows do not count, but an
        // older waiting row of another test may
        assertTrue(seen[1].oldestAgeSeconds() >= 3600, "oldest " + seen[1].oldestAgeSeconds());
        if (seen[0].oldestAgeSeconds() < 7000) {
            assertTrue(seen[1].oldestAgeSeconds() < 7000, "a published row aged the backlog: " + seen[1].oldestAgeSeconds());
        }
    }

    @Test
    void dueRowsOrderCheckReadsOnlyRowsBackingOffNotTheBacklog() throws Exception {
        // 3 000 rows waiting for their first send, statistics taken with them, in a transaction that is rolled back:
        // the per-aggregate order check must read the rows backing off (a handful from other tests at most), not
        // every pending row once per relay round, which made each round slower the longer the backlog grew
        int backlog = 3000;
        OutboxPlanProbe.OrderCheck check = OutboxPlanProbe.orderCheck(pool.getDelegate(), OutboxRepository.DUE_ROWS,
                InvitationEvents.AGGREGATE_TYPE, InvitationEvents.EXPIRED, KafkaSupport.INVITATIONS, backlog);

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
                    .setParameter("aggregateType", InvitationEvents.AGGREGATE_TYPE)
                    .setParameter("aggregateId", UUID.randomUUID().toString())
                    .setParameter("type", InvitationEvents.EXPIRED)
                    .setParameter("topic", KafkaSupport.INVITATIONS)
                    .setParameter("occurredAt", occurredAt)
                    .setParameter("publishedAt", publishedAt)
                    .setParameter("parkedAt", parkedAt)
                    .setParameter("reason", parkedAt == null ? null : "test")
                    .executeUpdate()));
        }
        return chain;
    }
}
