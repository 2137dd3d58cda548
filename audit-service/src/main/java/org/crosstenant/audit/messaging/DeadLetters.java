package org.crosstenant.audit.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Dead-letters single poison records of a consumed batch, so that the rest of the batch is appended and the consumer
 * moves on. The dead-letter topic of a channel is its {@code mp.messaging.incoming.<channel>.dead-letter-queue.topic}
 * (default {@code <topic>.dlq.audit-service}). The record keeps its key, value and headers, and gets the headers
 * SmallRye's own dead-letter strategy writes: {@code dead-letter-reason} (why it is poison), {@code dead-letter-topic},
 * {@code dead-letter-partition} and {@code dead-letter-offset} (where it came from).
 */
@ApplicationScoped
public class DeadLetters {

    public static final String REASON = "dead-letter-reason";

    private final MutinyEmitter<String> emitter;
    private final Config config;

    public DeadLetters(@Channel("dead-letters") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
            MutinyEmitter<String> emitter, Config config) {
        this.emitter = emitter;
        this.config = config;
    }

    /** A poison record and why. */
    public record Poison(KafkaRecord<String, String> record, String reason) {
    }

    /** The dead-letter topic of an incoming channel. */
    public String topicOf(String channel, String consumedTopic) {
        return config.getOptionalValue("mp.messaging.incoming." + channel + ".dead-letter-queue.topic", String.class)
                .orElse(consumedTopic + ".dlq.audit-service");
    }

    /**
     * Sends every poison record of a batch to its dead-letter topic.
     *
     * @return completes once the broker acknowledged all of them; fails with the first send failure
     */
    public Uni<Void> send(String channel, List<Poison> poison) {
        if (poison.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(poison.stream().map(p -> send(channel, p)).toList()).andFailFast().replaceWithVoid();
    }

    private Uni<Void> send(String channel, Poison poison) {
        KafkaRecord<String, String> record = poison.record();
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.getHeaders()) {
            headers.add(header);
        }
        headers.add(REASON, utf8(poison.reason()));
        headers.add("dead-letter-topic", utf8(record.getTopic()));
        headers.add("dead-letter-partition", utf8(Integer.toString(record.getPartition())));
        headers.add("dead-letter-offset", utf8(Long.toString(offsetOf(record))));
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topicOf(channel, record.getTopic()))
                .withKey(record.getKey())
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(record.getPayload(), Metadata.of(kafka)));
    }

    /** The record's offset in its partition; -1 if the connector did not say. */
    static long offsetOf(KafkaRecord<?, ?> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElse(-1L);
    }

    private static byte[] utf8(String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }
}
