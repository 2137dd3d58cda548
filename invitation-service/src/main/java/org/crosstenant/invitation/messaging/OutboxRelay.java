package org.crosstenant.invitation.messaging;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.config.InvitationConfig;
import org.crosstenant.invitation.model.OutboxEvent;
import org.crosstenant.invitation.repository.OutboxRepository;
import org.crosstenant.invitation.service.FreshContext;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Publishes outbox rows to Kafka as binary-mode CloudEvents. Services call {@link #trigger()} right after a commit;
 * the timer is only a safety net for rows left behind (broker down, crash between commit and publish).
 * A row is marked published only after the broker acknowledged it, inside the transaction that holds its row lock
 * and the relay's advisory lock (one publishing relay at a time, so per-invitation order survives several instances).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final MutinyEmitter<String> emitter;
    private final OutboxRepository outbox;
    private final FreshContext freshContext;
    private final InvitationConfig config;
    private final URI source;
    /** One drain at a time per instance; a trigger during a drain asks for one more round. */
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public OutboxRelay(@Channel("invitations-out") MutinyEmitter<String> emitter, OutboxRepository outbox,
            FreshContext freshContext, InvitationConfig config) {
        this.emitter = emitter;
        this.outbox = outbox;
        this.freshContext = freshContext;
        this.config = config;
        this.source = URI.create(config.outbox().source());
    }

    /** Asks for a drain soon; never blocks and never fails the caller (the timer retries). */
    public void trigger() {
        again.set(true);
        if (!running.compareAndSet(false, true)) {
            return;
        }
        again.set(false);
        freshContext.run(this::drainBatch).subscribe().with(published -> {
            running.set(false);
            // a full batch may have more behind it; a trigger that arrived meanwhile needs its own round
            if (published >= config.outbox().batchSize() || again.get()) {
                trigger();
            }
        }, failure -> {
            running.set(false);
            LOG.warnf(failure, "Outbox relay round failed; the timer retries");
        });
    }

    /** Not before startup completed: the emitter's channel is wired only then (and not during shutdown). */
    @Scheduled(every = "{invitation.outbox.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        trigger();
    }

    /** Publishes one batch, in order; stops at the first failure and keeps what was acknowledged. */
    Uni<Integer> drainBatch() {
        return Panache.withTransaction(() -> outbox.tryRelayLock().flatMap(locked -> locked
                ? outbox.lockUnpublished(config.outbox().batchSize())
                        .flatMap(rows -> publishInOrder(rows, 0, 0, backToThisContext()))
                // another instance is publishing; its next round or our timer takes what is left
                : Uni.createFrom().item(0)));
    }

    private Uni<Integer> publishInOrder(List<OutboxEvent> rows, int index, int published, Executor context) {
        if (index >= rows.size()) {
            return Uni.createFrom().item(published);
        }
        OutboxEvent row = rows.get(index);
        return send(row)
                .emitOn(context)
                .flatMap(acked -> outbox.markPublished(row.id, Instant.now().truncatedTo(ChronoUnit.MICROS)))
                .flatMap(marked -> publishInOrder(rows, index + 1, published + 1, context))
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf(failure, "Publishing outbox row %s (%s) failed; retried later", row.id, row.type);
                    return Uni.createFrom().item(published);
                });
    }

    private Uni<Void> send(OutboxEvent row) {
        OutgoingCloudEventMetadata<String> cloudEvent = OutgoingCloudEventMetadata.<String>builder()
                .withId(row.id.toString())
                .withType(row.type)
                .withSource(source)
                .withSubject(row.aggregateId)
                .withTimestamp(row.occurredAt.atZone(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(row.aggregateId)
                .withTopic(row.topic)
                .build();
        return emitter.sendMessage(Message.of(row.payload, Metadata.of(cloudEvent, kafka)));
    }

    /** The broker's ack arrives on a Kafka thread; the Hibernate Reactive session must be used on its own context. */
    private static Executor backToThisContext() {
        Context context = Vertx.currentContext();
        return command -> context.runOnContext(ignored -> command.run());
    }
}
