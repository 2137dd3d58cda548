package org.crosstenant.invitation.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.invitation.KafkaSupport;
import org.crosstenant.invitation.model.OutboxEvent;
import org.crosstenant.invitation.repository.OutboxRepository;
import org.crosstenant.invitation.service.FreshContext;
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

/** A row committed without a trigger (a crash between commit and publish) is published by the timer's round. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class OutboxSafetyNetTest {

    @Inject
    OutboxRepository outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    FreshContext freshContext;

    @Test
    void leftBehindRowsArePublishedByTheTimerRoundAndMarked() throws Throwable {
        OutboxEvent row = new OutboxEvent();
        row.id = UUID.randomUUID();
        row.aggregateType = InvitationEvents.AGGREGATE_TYPE;
        row.aggregateId = UUID.randomUUID().toString();
        row.type = InvitationEvents.REVOKED;
        row.topic = KafkaSupport.INVITATIONS;
        row.payload = "{\"left\": \"behind\"}";
        row.occurredAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> outbox.persist(row)));

        relay.poll(); // what the timer does every invitation.outbox.poll-interval

        ConsumerRecord<String, String> published =
                KafkaSupport.awaitEvents(row.aggregateId, InvitationEvents.REVOKED, 1).get(0);
        assertEquals(row.id.toString(), KafkaSupport.header(published, "ce_id"));
        assertEquals("{\"left\": \"behind\"}", published.value());
        // marked only after the ack, so it may trail the record by a moment
        org.awaitility.Awaitility.await().until(() -> publishedAt(row.id) != null);
        assertNotNull(publishedAt(row.id));
    }

    /** Concurrent rounds (as from several instances) split the rows between them: each is published exactly once. */
    @Test
    void concurrentRelayRoundsNeverPublishARowTwice() throws Throwable {
        String aggregate = UUID.randomUUID().toString();
        List<OutboxEvent> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            OutboxEvent row = new OutboxEvent();
            row.id = UUID.randomUUID();
            row.aggregateType = InvitationEvents.AGGREGATE_TYPE;
            row.aggregateId = aggregate;
            row.type = InvitationEvents.EXPIRED;
            row.topic = KafkaSupport.INVITATIONS;
            row.payload = "{\"n\": " + i + "}";
            row.occurredAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            rows.add(row);
        }
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> outbox.persist(rows)));

        List<Uni<Integer>> rounds = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rounds.add(freshContext.run(relay::drainBatch));
            relay.trigger();
        }
        Uni.join().all(rounds).andFailFast().await().atMost(Duration.ofSeconds(60));

        KafkaSupport.awaitEvents(aggregate, InvitationEvents.EXPIRED, rows.size());
        Map<String, Long> perId = KafkaSupport.snapshot(KafkaSupport.INVITATIONS).stream()
                .filter(r -> aggregate.equals(r.key()))
                .collect(Collectors.groupingBy(r -> KafkaSupport.header(r, "ce_id"), Collectors.counting()));
        assertEquals(rows.size(), perId.size());
        perId.forEach((id, count) -> assertEquals(1L, count, "row " + id));
        // and in commit order: one key, one partition
        List<String> order = KafkaSupport.snapshot(KafkaSupport.INVITATIONS).stream()
                .filter(r -> aggregate.equals(r.key())).map(ConsumerRecord::value).toList();
        assertEquals(rows.stream().map(r -> r.payload).toList(), order);
    }

    /**
     * A round that took a full batch ({@code invitation.outbox.batch-size}, 100) is followed by another at once: one
     * trigger publishes 250 rows long before the safety-net timer (120 s in this profile) could.
     */
    @Test
    void oneTriggerDrainsMoreThanABatch() throws Throwable {
        String aggregate = UUID.randomUUID().toString();
        List<OutboxEvent> rows = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            OutboxEvent row = new OutboxEvent();
            row.id = UUID.randomUUID();
            row.aggregateType = InvitationEvents.AGGREGATE_TYPE;
            row.aggregateId = aggregate;
            row.type = InvitationEvents.EXPIRED;
            row.topic = KafkaSupport.INVITATIONS;
            row.payload = "{\"n\": " + i + "}";
            row.occurredAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            rows.add(row);
        }
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> outbox.persist(rows)));

        relay.trigger();

        KafkaSupport.awaitEvents(aggregate, InvitationEvents.EXPIRED, rows.size());
        List<String> order = KafkaSupport.snapshot(KafkaSupport.INVITATIONS).stream()
                .filter(r -> aggregate.equals(r.key())).map(ConsumerRecord::value).toList();
        assertEquals(rows.stream().map(r -> r.payload).toList(), order);
    }

    private Instant publishedAt(UUID id) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> outbox.findById(id)))
                    .publishedAt;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
