package org.crosstenant.invitation.messaging;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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
 * A round sends its whole batch without waiting for one acknowledgement per row, then marks the acknowledged rows
 * published in one UPDATE, inside the transaction that holds their row locks and the relay's advisory lock (one
 * publishing relay at a time, so per-invitation order survives several instances). Triggers that arrive while a round
 * runs coalesce into one more round; they never queue up one round each.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final MutinyEmitter<String> emitter;
    private final OutboxRepository outbox;
    private final FreshContext freshContext;
    private final InvitationConfig config;
    private final OutboxMetrics metrics;
    private final URI source;
    /** One drain at a time per instance; a trigger during a drain asks for one more round. */
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public OutboxRelay(@Channel("invitations-out") MutinyEmitter<String> emitter, OutboxRepository outbox,
            FreshContext freshContext, InvitationConfig config, OutboxMetrics metrics) {
        this.emitter = emitter;
        this.outbox = outbox;
        this.freshContext = freshContext;
        this.config = config;
        this.metrics = metrics;
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

    /**
     * Publishes one batch: every row is handed to the producer at once, in commit order (the idempotent producer keeps
     * that order per partition), then all acknowledgements are awaited together and the acknowledged prefix is marked
     * published in one UPDATE. A row after a failed one stays unpublished even if the broker took it, so the next
     * round re-sends it behind the failed one: a duplicate that consumers drop by CloudEvent id, never a reordering.
     *
     * @return how many rows were marked published (0 when another relay holds the lock or nothing is waiting)
     */
    Uni<Integer> drainBatch() {
        return Panache.withTransaction(() -> outbox.tryRelayLock().flatMap(locked -> locked
                ? outbox.lockUnpublished(config.outbox().batchSize())
                        .flatMap(rows -> publishAll(rows, backToThisContext()))
                // another instance is publishing; its next round or our timer takes what is left
                : Uni.createFrom().item(0)));
    }

    private Uni<Integer> publishAll(List<OutboxEvent> rows, Executor context) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(rows.size());
        for (OutboxEvent row : rows) {
            // subscribing hands the record to the producer now; the loop keeps the commit order
            acks.add(send(row).subscribeAsCompletionStage());
        }
        CompletableFuture<Void> settled = CompletableFuture
                .allOf(acks.stream().map(a -> a.handle((ok, failure) -> (Void) null)).toArray(CompletableFuture[]::new));
        return Uni.createFrom().completionStage(settled).emitOn(context).flatMap(ignored -> {
            int prefix = 0;
            while (prefix < rows.size() && !acks.get(prefix).isCompletedExceptionally()) {
                prefix++;
            }
            if (prefix < rows.size()) {
                OutboxEvent failed = rows.get(prefix);
                Throwable cause = acks.get(prefix).handle((ok, failure) -> failure).join();
                LOG.warnf(cause, "Publishing outbox row %s (%s) failed; it and the %d row(s) after it are retried later",
                        failed.id, failed.type, rows.size() - prefix - 1);
            }
            if (prefix == 0) {
                return Uni.createFrom().item(0);
            }
            int published = prefix;
            List<UUID> ids = rows.subList(0, prefix).stream().map(r -> r.id).toList();
            return outbox.markPublished(ids, Instant.now().truncatedTo(ChronoUnit.MICROS))
                    .invoke(marked -> metrics.published(published))
                    .replaceWith(published);
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
