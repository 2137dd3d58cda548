package org.crosstenant.invitation.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes poison records of {@code policy.decisions} to its dead-letter topic (channel
 * {@code policy-decisions-dead-letters}), one by one with their own reason, while the rest of their batch is applied.
 * Written here rather than by the connector's {@code dead-letter-queue} failure strategy because a batch channel nacks
 * (and would dead-letter) whole batches only. The record keeps its key, value and headers, and gets the same
 * {@code dead-letter-*} headers the connector writes: {@code dead-letter-reason} (why it can never be applied),
 * {@code dead-letter-cause}, {@code dead-letter-topic}, {@code dead-letter-partition}, {@code dead-letter-offset}.
 */
@ApplicationScoped
public class DecisionDeadLetters {

    private static final Logger LOG = Logger.getLogger(DecisionDeadLetters.class);

    /** A poison record and why it is poison. */
    public record DeadLetter(KafkaRecord<String, String> record, PoisonMessageException reason) {
    }

    private final MutinyEmitter<Record<String, String>> emitter;

    // a whole poll (max.poll.records) may be poison: the buffer must hold it while the producer catches up
    public DecisionDeadLetters(@Channel("policy-decisions-dead-letters")
            @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
            MutinyEmitter<Record<String, String>> emitter) {
        this.emitter = emitter;
    }

    /**
     * Sends every dead letter at once and waits for all acknowledgements.
     *
     * @param letters poison records of one batch (may be empty)
     * @return completes when the broker acknowledged all of them; fails if any send failed (the caller retries the
     *         batch, so a dead letter may be written twice but is never lost)
     */
    public Uni<Void> send(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = letters.stream().map(this::send).toList();
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    private Uni<Void> send(DeadLetter letter) {
        KafkaRecord<String, String> in = letter.record();
        long offset = in.getMetadata(IncomingKafkaRecordMetadata.class).map(m -> m.getOffset()).orElse(-1L);
        LOG.warnf("Decision record %s-%d@%d rejected to the dead-letter topic: %s", in.getTopic(), in.getPartition(),
                offset, letter.reason().getMessage());
        RecordHeaders headers = new RecordHeaders();
        if (in.getHeaders() != null) {
            for (Header h : in.getHeaders()) {
                headers.add(h.key(), h.value());
            }
        }
        headers.add("dead-letter-reason", utf8(letter.reason().getMessage()));
        headers.add("dead-letter-cause", utf8(letter.reason().getClass().getName()));
        headers.add("dead-letter-topic", utf8(in.getTopic()));
        headers.add("dead-letter-partition", utf8(Integer.toString(in.getPartition())));
        headers.add("dead-letter-offset", utf8(Long.toString(offset)));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(in.getKey())
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(Record.of(in.getKey(), in.getPayload())).addMetadata(metadata));
    }

    private static byte[] utf8(String text) {
        return String.valueOf(text).getBytes(StandardCharsets.UTF_8);
    }
}
