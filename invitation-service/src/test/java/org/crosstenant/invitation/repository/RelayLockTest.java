package org.crosstenant.invitation.repository;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.crosstenant.invitation.KafkaSupport;
import org.crosstenant.invitation.messaging.InvitationEvents;
import org.crosstenant.invitation.model.OutboxEvent;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * The relay's advisory lock is taken by the due-rows query itself: while another instance holds it, the query returns
 * no rows (nothing is published twice or out of order); once it is free, the same query returns the due rows.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class RelayLockTest {

    @Inject
    OutboxRepository outbox;

    @Test
    void dueRowsOnlyWhileNoOtherRelayHoldsTheLock() throws Throwable {
        OutboxEvent row = new OutboxEvent();
        row.id = UUID.randomUUID();
        row.aggregateType = InvitationEvents.AGGREGATE_TYPE;
        row.aggregateId = UUID.randomUUID().toString();
        row.type = InvitationEvents.EXPIRED;
        row.topic = KafkaSupport.INVITATIONS;
        row.payload = "{\"lock\": true}";
        row.occurredAt = Instant.now().truncatedTo(ChronoUnit.MICROS);

        try (Connection other = jdbc()) {
            // another instance's relay: holds the lock (session-level and transaction-level locks share one space)
            try (PreparedStatement lock = other.prepareStatement("select pg_advisory_lock(?)")) {
                lock.setLong(1, OutboxRepository.RELAY_LOCK);
                lock.execute();
            }
            // inserted and due while the lock is held (not through the service, so no relay round takes it meanwhile)
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> outbox.persist(row)));
            assertTrue(due().isEmpty(), "no rows while another relay holds the lock");
            try (PreparedStatement unlock = other.prepareStatement("select pg_advisory_unlock(?)")) {
                unlock.setLong(1, OutboxRepository.RELAY_LOCK);
                unlock.execute();
            }
        }
        // free again: the query returns the row (unless a round of this instance took and published it meanwhile)
        Awaitility.await().until(() -> due().stream().anyMatch(r -> r.id.equals(row.id)) || published(row.id));
    }

    private boolean published(UUID id) {
        return awaited(() -> Panache.withSession(() -> outbox.findById(id))).publishedAt != null;
    }

    private List<OutboxEvent> due() {
        return awaited(() -> Panache.withTransaction(() -> outbox.lockDue(1000)));
    }

    private static <T> T awaited(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection jdbc() throws Exception {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }
}
