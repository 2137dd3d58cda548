package org.crosstenant.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Watches {@code audit.checkpoints} during a phase (docs/audit.md, "Signed checkpoints"): which tree sizes were signed
 * when, read from each event's {@code treeSize} and {@code signedAt}. From that and the records' leaf indexes it gives
 * the two checkpoint figures of the audit bench: the interval between consecutive checkpoints and how long a record
 * waited, from its publication on {@code gateway.access}, for the first checkpoint whose tree holds it.
 */
final class CheckpointWatch implements AutoCloseable {

    static final String TOPIC = "audit.checkpoints";

    /** One signed checkpoint: tree size and the signing time in epoch ms. */
    record Signed(long treeSize, long signedAtMillis) {
    }

    /**
     * @param checkpoints checkpoints signed during the phase
     * @param interval    time between consecutive checkpoints' {@code signedAt}, ms
     * @param coverage    record publication → {@code signedAt} of the first checkpoint that holds the record, ms
     * @param uncovered   records no checkpoint of the phase holds
     */
    record Figures(int checkpoints, LatencySummary interval, LatencySummary coverage, long uncovered) {
        static final Figures NONE = new Figures(0, LatencySummary.ofMicros(LatencySummary.newMicrosHistogram()),
                LatencySummary.ofMicros(LatencySummary.newMicrosHistogram()), 0);
    }

    private final List<Signed> signed = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread reader;

    CheckpointWatch(Kafka kafka) {
        KafkaConsumer<String, byte[]> consumer = kafka.consumer();
        Kafka.assignAtEnd(consumer, List.of(TOPIC));
        reader = new Thread(() -> {
            try (consumer) {
                while (!stop.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        add(record.value());
                    }
                }
            }
        }, "bench-checkpoint-watch");
        reader.start();
    }

    private void add(byte[] value) {
        try {
            JsonNode checkpoint = Api.JSON.readTree(value);
            Signed one = new Signed(checkpoint.path("treeSize").asLong(), Instant.parse(checkpoint.path("signedAt").asText()).toEpochMilli());
            synchronized (signed) {
                signed.add(one);
            }
        } catch (Exception e) {
            Bench.log("ignored an unreadable checkpoint event: " + e);
        }
    }

    /**
     * Waits until a checkpoint holds leaf {@code leafIndex} or {@code limit} passed (then the figures count the
     * records after the last checkpoint as uncovered).
     */
    void awaitHolding(long leafIndex, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (signed) {
                if (signed.stream().anyMatch(one -> one.treeSize() > leafIndex)) {
                    return;
                }
            }
            Bench.pause(50);
        }
    }

    /**
     * Stops watching and computes the figures.
     *
     * @param publishedAtByLeaf for each record of the phase seen on the stream: its leaf index → its publication time, epoch ms
     */
    Figures finish(Map<Long, Long> publishedAtByLeaf) {
        close();
        List<Signed> sorted;
        synchronized (signed) {
            sorted = new ArrayList<>(signed);
        }
        sorted.sort(Comparator.comparingLong(Signed::treeSize));
        Histogram interval = LatencySummary.newMicrosHistogram();
        for (int i = 1; i < sorted.size(); i++) {
            record(interval, sorted.get(i).signedAtMillis() - sorted.get(i - 1).signedAtMillis());
        }
        Histogram coverage = LatencySummary.newMicrosHistogram();
        long uncovered = 0;
        for (Map.Entry<Long, Long> leaf : publishedAtByLeaf.entrySet()) {
            Signed first = firstHolding(sorted, leaf.getKey());
            if (first == null) {
                uncovered++;
            } else {
                record(coverage, first.signedAtMillis() - leaf.getValue());
            }
        }
        return new Figures(sorted.size(), LatencySummary.ofMicros(interval), LatencySummary.ofMicros(coverage), uncovered);
    }

    /** The smallest checkpoint whose tree holds leaf {@code leafIndex} (size > index), by binary search; null if none. */
    private static Signed firstHolding(List<Signed> bySize, long leafIndex) {
        int low = 0;
        int high = bySize.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (bySize.get(middle).treeSize() > leafIndex) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low == bySize.size() ? null : bySize.get(low);
    }

    private static void record(Histogram histogram, long millis) {
        histogram.recordValue(Math.max(1, Math.min(millis * 1000, histogram.getHighestTrackableValue())));
    }

    @Override
    public void close() {
        stop.set(true);
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
