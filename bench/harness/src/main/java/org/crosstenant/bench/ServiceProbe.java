package org.crosstenant.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** After the run: each service's memory (from /proc) and the interesting lines of its {@code /q/metrics}. */
final class ServiceProbe {

    private ServiceProbe() {
    }

    /**
     * Resident memory of a process and its descendants in MB: {@code Rss} and {@code Pss} (proportional set size,
     * shared pages split among the processes that map them) from {@code /proc/<pid>/smaps_rollup}; -1 when unknown.
     */
    static long[] memoryMegabytes(ProcessHandle root) {
        long rss = 0;
        long pss = 0;
        for (ProcessHandle process : Stream.concat(Stream.of(root), root.descendants()).toList()) {
            Path rollup = Path.of("/proc", Long.toString(process.pid()), "smaps_rollup");
            rss += field(rollup, "Rss:");
            pss += field(rollup, "Pss:");
        }
        return new long[] {rss / 1024, pss / 1024};
    }

    private static long field(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // ended meanwhile or not Linux
        }
        return 0;
    }

    /**
     * The sample lines of a Prometheus text answer worth printing: every {@code crosstenant_*} metric and Kafka
     * consumer lag ({@code kafka_consumer_fetch_manager_records_lag*}), at most {@code limit} lines.
     */
    static List<String> interestingMetrics(String prometheusText, int limit) {
        List<String> lines = new ArrayList<>();
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            if (line.startsWith("crosstenant_") || line.startsWith("kafka_consumer_fetch_manager_records_lag")) {
                lines.add(line.strip());
                if (lines.size() >= limit) {
                    break;
                }
            }
        }
        return lines;
    }

    /** {@code GET <service>/q/metrics}; null when it does not answer 200 (no metrics in this build). */
    static String metrics(Api api, String serviceUrl) {
        try {
            HttpResponse<String> response = api.http().send(HttpRequest.newBuilder(URI.create(serviceUrl + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
