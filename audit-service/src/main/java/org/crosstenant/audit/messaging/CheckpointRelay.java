package org.crosstenant.audit.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.crosstenant.audit.config.AuditConfig;
import org.crosstenant.audit.config.CheckpointConfig;
import org.crosstenant.audit.model.StoredCheckpoint;
import org.crosstenant.audit.repository.CheckpointRepository;
import org.crosstenant.audit.service.AuditRecordMapper;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes signed checkpoints to audit.checkpoints (key = the log's origin, one partition: in size order), from the
 * {@code audit_checkpoint} table as outbox: right after a checkpoint is stored and on the outbox timer as the safety
 * net. Each pass locks up to {@value #BATCH} unpublished rows ({@code for update skip locked}: one relay per row across
 * instances), sends them, and marks them published only once the broker acknowledged all of them (at-least-once; the
 * ce_id is derived from origin and size, so a re-sent checkpoint keeps its id).
 */
@ApplicationScoped
public class CheckpointRelay {

    private static final Logger LOG = Logger.getLogger(CheckpointRelay.class);

    /** CloudEvent type of a published checkpoint. */
    public static final String CHECKPOINT_SIGNED_TYPE = "org.crosstenant.audit.checkpoint-signed.v1";

    static final int BATCH = 100;

    private final MutinyEmitter<String> emitter;
    private final Pool pool;
    private final CheckpointRepository checkpoints;
    private final AuditRecordMapper json;
    private final String origin;
    private final byte[] source;
    private final OneDrainAtATime drains = new OneDrainAtATime(this::drain,
            failure -> LOG.warnf("checkpoint relay failed; the timer retries: %s", failure.toString()));

    public CheckpointRelay(@Channel("audit-checkpoints") MutinyEmitter<String> emitter, Pool pool,
            CheckpointRepository checkpoints, AuditRecordMapper json, CheckpointConfig checkpointConfig,
            AuditConfig config) {
        this.emitter = emitter;
        this.pool = pool;
        this.checkpoints = checkpoints;
        this.json = json;
        this.origin = checkpointConfig.origin();
        this.source = bytes(config.outbox().source());
    }

    /** Publish what is pending now, without waiting for it. */
    public void trigger() {
        drains.trigger();
    }

    @Scheduled(every = "${audit.outbox.relay-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void safetyNet() {
        trigger();
    }

    private Uni<Integer> drain() {
        return pool.withTransaction(connection -> checkpoints.lockUnpublished(connection, BATCH)
                .flatMap(pending -> {
                    if (pending.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    List<Uni<Void>> sends = new ArrayList<>(pending.size());
                    for (StoredCheckpoint checkpoint : pending) {
                        sends.add(emitter.sendMessage(message(checkpoint)));
                    }
                    List<Long> sizes = pending.stream().map(StoredCheckpoint::treeSize).toList();
                    return Uni.join().all(sends).andFailFast()
                            .chain(() -> checkpoints.markPublished(connection, sizes, Instant.now()))
                            .replaceWith(pending.size());
                }))
                .flatMap(count -> count == BATCH ? drain().map(more -> count + more) : Uni.createFrom().item(count));
    }

    private Message<String> message(StoredCheckpoint checkpoint) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("origin", origin);
        payload.put("treeSize", checkpoint.treeSize());
        payload.put("rootHash", Base64.getEncoder().encodeToString(checkpoint.rootHash()));
        payload.put("note", checkpoint.note());
        payload.put("signedAt", checkpoint.signedAt().toString());
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes(messageId(origin, checkpoint.treeSize()).toString()));
        headers.add("ce_type", bytes(CHECKPOINT_SIGNED_TYPE));
        headers.add("ce_source", source);
        headers.add("ce_subject", bytes(Long.toString(checkpoint.treeSize())));
        headers.add("ce_datacontenttype", bytes("application/json"));
        headers.add("content-type", bytes("application/json"));
        headers.add("ce_time", bytes(checkpoint.signedAt().toString()));
        return Message.of(json.toJson(payload)).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(origin).withHeaders(headers).build());
    }

    /** The ce_id of a checkpoint's message: stable across re-publication. */
    static UUID messageId(String origin, long treeSize) {
        return UUID.nameUUIDFromBytes(("checkpoint/" + origin + "/" + treeSize).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
