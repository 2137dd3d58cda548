package org.crosstenant.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Audit ingestion. Every figure is taken at the SSE stream of Contoso's auditor ({@code dave}); a record is matched
 * to the {@code gateway.access} record it came from by {@code sourceEventId} = {@code ce_id}, and its lag is
 * arrival on the stream minus the Kafka record's timestamp (the producer's create time, in ms). Records not on the
 * stream when the drain time ends count as "behind" and are recorded with the time waited so far (a lower bound).
 * <ol>
 *   <li><b>under gateway load</b>: wrk drives the guest's application at full speed; a raw consumer of
 *       {@code gateway.access} counts what the gateway published, the stream what audit-service appended;</li>
 *   <li><b>synthetic</b>: the harness itself publishes {@code access-allowed.v1} CloudEvents (binary mode, as the
 *       gateway does) to {@code gateway.access} as fast as the producer goes, then waits for them on the stream;</li>
 *   <li><b>baseline</b>: a raw consumer reads {@code gateway.access} from the beginning: the rate Kafka hands the
 *       same records out at.</li>
 * </ol>
 */
final class AuditBench {

    static final String TOPIC = "gateway.access";

    /** How long the synthetic phase waits, after its last record, for a checkpoint that holds it (interval 1 s). */
    static final Duration CHECKPOINT_WAIT = Duration.ofSeconds(10);

    /**
     * @param published   records published to gateway.access in the phase
     * @param appended    of those, records seen on the SSE stream
     * @param perSecond   appended / (last arrival − first publication), records per second
     * @param lag         arrival on the stream − record timestamp, ms
     * @param behind      published records not on the stream when the drain time ended
     * @param streamPerSecond every record the stream delivered in the phase (also older backlog and other sources)
     *                    ÷ the phase's seconds: the append rate while audit-service works through a backlog
     * @param cpuSeconds  CPU seconds each of the stack's processes used during the phase ({@link ProcessCpu});
     *                    empty when not measured
     * @param checkpoints the signed checkpoints of the phase ({@link CheckpointWatch}); {@code Figures.NONE} when not
     *                    watched
     */
    record Ingest(long published, long appended, double perSecond, LatencySummary lag, long behind,
                  double streamPerSecond, Map<String, Double> cpuSeconds, CheckpointWatch.Figures checkpoints) {

        /** CPU milliseconds of {@code group} per appended record, or NaN. */
        double cpuMsPerRecord(String group) {
            Double seconds = cpuSeconds.get(group);
            return seconds == null || appended == 0 ? Double.NaN : seconds * 1000 / appended;
        }
    }

    private final Api api;
    private final Kafka kafka;
    private final ProcessCpu cpu;

    AuditBench(Api api, Kafka kafka, ProcessCpu cpu) {
        this.api = api;
        this.kafka = kafka;
        this.cpu = cpu;
    }

    /** Tracks what was published and what the stream showed. */
    private static final class Tracker implements AutoCloseable {
        final Map<String, Long> publishedAt = new ConcurrentHashMap<>();
        final Map<String, Long> seenAt = new ConcurrentHashMap<>();
        /** ce_id → the record's leaf index in the audit Merkle tree, as the stream showed it */
        final Map<String, Long> leafOf = new ConcurrentHashMap<>();
        final Histogram lag = LatencySummary.newMicrosHistogram();
        final AtomicLong firstPublished = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong lastSeen = new AtomicLong();
        final AtomicLong streamed = new AtomicLong();
        final long began = System.currentTimeMillis();
        final AuditStream stream;

        Tracker(Api api) {
            stream = new AuditStream(api, api.token("contoso", "dave"), (record, arrival) -> {
                streamed.incrementAndGet();
                String source = record.path("sourceEventId").asText(null);
                if (source == null) {
                    return;
                }
                seenAt.put(source, arrival);
                if (record.has("leafIndex")) {
                    leafOf.put(source, record.path("leafIndex").asLong());
                }
                Long published = publishedAt.get(source);
                if (published != null) {
                    countSeen(source, published, arrival);
                }
            });
        }

        void published(String ceId, long timestampMillis) {
            firstPublished.accumulateAndGet(timestampMillis, Math::min);
            publishedAt.put(ceId, timestampMillis);
            Long arrival = seenAt.get(ceId);
            if (arrival != null) {
                countSeen(ceId, timestampMillis, arrival);
            }
        }

        private final Map<String, Boolean> counted = new ConcurrentHashMap<>();

        private void countSeen(String ceId, long published, long arrival) {
            if (counted.putIfAbsent(ceId, Boolean.TRUE) == null) {
                lag.recordValue(Math.max(1, Math.min((arrival - published) * 1000, lag.getHighestTrackableValue())));
                lastSeen.accumulateAndGet(arrival, Math::max);
            }
        }

        Ingest finish(Duration drain) {
            long deadline = System.nanoTime() + drain.toNanos();
            while (counted.size() < publishedAt.size() && System.nanoTime() < deadline) {
                Bench.pause(50);
            }
            long now = System.currentTimeMillis();
            long behind = 0;
            for (Map.Entry<String, Long> entry : publishedAt.entrySet()) {
                if (!counted.containsKey(entry.getKey())) {
                    behind++;
                    lag.recordValue(Math.max(1, Math.min((now - entry.getValue()) * 1000, lag.getHighestTrackableValue())));
                }
            }
            long appended = counted.size();
            double seconds = (lastSeen.get() - firstPublished.get()) / 1000.0;
            double phaseSeconds = Math.max(0.001, (now - began) / 1000.0);
            return new Ingest(publishedAt.size(), appended, appended == 0 || seconds <= 0 ? Double.NaN : appended / seconds,
                    LatencySummary.ofMicros(lag), behind, streamed.get() / phaseSeconds, Map.of(), CheckpointWatch.Figures.NONE);
        }

        /** Leaf index → publication time (epoch ms) of every record of the phase the stream showed. */
        Map<Long, Long> publishedAtByLeaf() {
            Map<Long, Long> byLeaf = new java.util.HashMap<>();
            leafOf.forEach((ceId, leaf) -> {
                Long published = publishedAt.get(ceId);
                if (published != null) {
                    byLeaf.put(leaf, published);
                }
            });
            return byLeaf;
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    /** Phase 1: wrk on the guest's application for {@code seconds}; what the gateway published reaches the stream? */
    Ingest underGatewayLoad(Wrk wrk, String appUrl, String guestToken, int seconds, Duration drain) {
        try (Tracker tracker = new Tracker(api); KafkaConsumer<String, byte[]> consumer = kafka.consumer()) {
            Kafka.assignAtEnd(consumer, List.of(TOPIC));
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread counter = new Thread(() -> {
                long stopAt = System.nanoTime() + Duration.ofSeconds(seconds).plus(drain).toNanos();
                while (System.nanoTime() < stopAt && !stop.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        String ceId = Kafka.header(record.headers(), "ce_id");
                        if (ceId != null) {
                            tracker.published(ceId, record.timestamp());
                        }
                    }
                }
            }, "bench-access-counter");
            counter.start();
            wrk.run(appUrl, guestToken, seconds);
            // the gateway may still be flushing: give the counter a moment to see the last records
            Bench.pause(1000);
            Ingest result = tracker.finish(drain);
            stop.set(true);
            join(counter);
            return result;
        }
    }

    /** Phase 2: {@code count} synthetic access events straight onto the topic, as fast as the producer goes. */
    Ingest synthetic(int count, Duration drain) {
        try (Tracker tracker = new Tracker(api); KafkaProducer<String, String> producer = kafka.producer(5);
                CheckpointWatch checkpoints = new CheckpointWatch(kafka)) {
            Map<String, Double> cpuBefore = cpu.snapshot();
            for (int i = 0; i < count; i++) {
                String id = UUID.randomUUID().toString();
                String now = Instant.now().toString();
                String payload = "{\"resourceTenant\":\"contoso\",\"homeTenant\":\"fabrikam\",\"application\":\""
                        + Bench.APP + "\",\"subject\":\"bench-synthetic\",\"email\":\"bench@fabrikam.example\","
                        + "\"guest\":true,\"method\":\"GET\",\"path\":\"/apps/contoso/" + Bench.APP + "/synthetic/" + i
                        + "\",\"reason\":\"bench synthetic load\",\"occurredAt\":\"" + now + "\"}";
                ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, "contoso:fabrikam", payload);
                record.headers()
                        .add("ce_specversion", bytes("1.0"))
                        .add("ce_id", bytes(id))
                        .add("ce_type", bytes("org.crosstenant.gateway.access-allowed.v1"))
                        .add("ce_source", bytes("/crosstenant/bench"))
                        .add("ce_subject", bytes("contoso/" + Bench.APP))
                        .add("ce_time", bytes(now))
                        .add("content-type", bytes("application/json"));
                producer.send(record, (metadata, failure) -> {
                    if (failure == null) {
                        tracker.published(id, metadata.timestamp());
                    }
                });
            }
            producer.flush();
            Ingest ingest = tracker.finish(drain);
            Map<String, Double> cpuUsed = ProcessCpu.used(cpuBefore, cpu.snapshot());
            Map<Long, Long> byLeaf = tracker.publishedAtByLeaf();
            long lastLeaf = byLeaf.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
            checkpoints.awaitHolding(lastLeaf, CHECKPOINT_WAIT);
            return new Ingest(ingest.published(), ingest.appended(), ingest.perSecond(), ingest.lag(), ingest.behind(),
                    ingest.streamPerSecond(), cpuUsed, checkpoints.finish(byLeaf));
        }
    }

    /**
     * Baseline: records per second a raw consumer reads {@code gateway.access} at, from the beginning, until it
     * reached the end offsets of the start or {@code limit} passed.
     */
    double rawConsumeRate(Duration limit) {
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer()) {
            List<TopicPartition> partitions = Kafka.partitions(consumer, List.of(TOPIC));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = Kafka.endOffsets(consumer, partitions);
            long total = 0;
            long begin = System.nanoTime();
            long deadline = begin + limit.toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                total += records.count();
                boolean atEnd = partitions.stream().allMatch(partition -> consumer.position(partition) >= end.get(partition));
                if (atEnd) {
                    break;
                }
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            return total == 0 ? Double.NaN : total / seconds;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void join(Thread thread) {
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
