package org.crosstenant.audit.harness;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measurement harness, not a test: it asserts nothing and only runs when asked for, e.g.
 * {@code mvn -B verify -pl audit-service -Dtest=IngestionHarness -Dharness.events=100000
 * -Dsurefire.failIfNoSpecifiedTests=false}. It produces N gateway access events (CloudEvents binary mode, 16 tenant
 * pairs as keys) to gateway.access against the real test broker and database (AuditTestResources), then waits until the chain head has advanced by N
 * and prints records/s (first send → last append committed), when everything was published to audit.records, and
 * the event time → commit lag (p50/p99/max, from the stored occurredAt/recordedAt of the appended records), and the
 * CPU time per appended record of audit-service (this JVM minus the harness's threads), PostgreSQL and the Kafka
 * broker, from append start until everything is published to audit.records; {@code -Dharness.profile=<file>} with
 * {@code -Dharness.profiler=<libasyncProfiler.so>} profiles the measured round (CPU, its CPU time not subtracted). {@code -Dharness.warm-up=N} runs an
 * unmeasured round of N events first (JIT warm-up).
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "harness.events", matches = "\\d+")
class IngestionHarness {

    @Test
    void produceAndTimeAppends() throws Exception {
        int warmUp = Integer.getInteger("harness.warm-up", 0);
        if (warmUp > 0) {
            System.out.println("HARNESS warm-up round (not measured):");
            round(warmUp);
        }
        String profile = System.getProperty("harness.profile"); // output file, e.g. /tmp/audit.collapsed
        if (profile != null) {
            profiler("start,event=cpu,interval=1000000,file=" + profile);
        }
        round(Integer.getInteger("harness.events"));
        if (profile != null) {
            profiler("stop,file=" + profile);
        }
    }

    private static String profile() {
        return System.getProperty("harness.profile");
    }

    /** Sends a command (quoted, or jcmd splits it at the commas) to async-profiler loaded into this JVM ({@code -Dharness.profiler=<libasyncProfiler.so>}). */
    private static void profiler(String command) throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "JVMTI.agent_load",
                System.getProperty("harness.profiler"), "\"" + command + "\"").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new java.io.File(profile() + ".jcmd.log"))).start();
        jcmd.waitFor();
    }

    private void round(int events) throws Exception {
        try (Connection db = connect()) {
            long start = head(db);
            Map<String, Double> cpuBefore = cpu(db);
            Instant began = Instant.now();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
                for (int i = 0; i < events; i++) {
                    String home = "home" + (i % 16);
                    ProducerRecord<String, String> record = new ProducerRecord<>("gateway.access",
                            "contoso:" + home, payload(home, i));
                    header(record, "ce_id", UUID.randomUUID().toString());
                    header(record, "ce_specversion", "1.0");
                    header(record, "ce_type", "org.crosstenant.gateway.access-allowed.v1");
                    header(record, "ce_source", "/crosstenant/gateway");
                    header(record, "content-type", "application/json");
                    producer.send(record);
                }
                producer.flush();
                harnessCpu += threadCpu("kafka-producer-network-thread");
            }
            Instant produced = Instant.now();
            long target = start + events;
            long last = start;
            Instant lastProgress = Instant.now();
            while (last < target) {
                Thread.sleep(100); // a measurement loop, not a test wait: nothing is asserted
                long now = head(db);
                if (now != last) {
                    last = now;
                    lastProgress = Instant.now();
                } else if (Duration.between(lastProgress, Instant.now()).toSeconds() > 60) {
                    System.out.printf("HARNESS stalled at %d of %d appended%n", last - start, events);
                    break;
                }
            }
            Instant appended = Instant.now();
            double seconds = Duration.between(began, appended).toNanos() / 1e9;
            System.out.printf("HARNESS events=%d produced_in=%.2fs appended=%d in %.2fs -> %.0f records/s%n",
                    events, Duration.between(began, produced).toNanos() / 1e9, last - start, seconds,
                    (last - start) / seconds);
            while (published(db) < last) {
                Thread.sleep(100);
                if (Duration.between(appended, Instant.now()).toSeconds() > 120) {
                    System.out.printf("HARNESS publishing stalled at %d%n", published(db));
                    break;
                }
            }
            System.out.printf("HARNESS all published to audit.records %.2fs after the first send%n",
                    Duration.between(began, Instant.now()).toNanos() / 1e9);
            printCpu(cpuBefore, cpu(db), last - start);
            try (Statement s = db.createStatement(); ResultSet lag = s.executeQuery(
                    "select percentile_cont(0.5) within group (order by l), percentile_cont(0.99) within group"
                            + " (order by l), max(l) from (select extract(epoch from recorded_at - occurred_at) l"
                            + " from audit_record where sequence > " + start + ") x")) {
                lag.next();
                System.out.printf("HARNESS event->commit lag p50=%.3fs p99=%.3fs max=%.3fs%n", lag.getDouble(1),
                        lag.getDouble(2), lag.getDouble(3));
            }
        }
    }

    /** CPU seconds the harness itself used in this JVM (its producer's I/O thread), subtracted from audit-service. */
    private double harnessCpu;

    /**
     * CPU seconds (user + system, {@code /proc/<pid>/stat} through {@link ProcessHandle.Info#totalCpuDuration()})
     * used so far by: this JVM (audit-service, minus this test thread and the harness producer's I/O thread, whose
     * time is taken from {@link ThreadMXBean}), PostgreSQL (the test server's postmaster and all its processes),
     * and the Kafka broker (a child java process).
     */
    private Map<String, Double> cpu(Connection db) throws SQLException {
        Map<String, Double> seconds = new LinkedHashMap<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double own = seconds(ProcessHandle.current()) - threads.getCurrentThreadCpuTime() / 1e9 - harnessCpu;
        seconds.put("audit-service", own);
        double postgres = 0;
        double kafka = 0;
        for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
            if (child.info().commandLine().orElse(child.info().command().orElse("")).contains("kafka")) {
                kafka += seconds(child);
            }
        }
        // pg_ctl detaches the postmaster: found as the parent of this connection's backend
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("select pg_backend_pid()")) {
            r.next();
            ProcessHandle postmaster = ProcessHandle.of(r.getLong(1)).flatMap(ProcessHandle::parent).orElseThrow();
            postgres = seconds(postmaster) + postmaster.descendants().mapToDouble(IngestionHarness::seconds).sum();
        }
        seconds.put("postgresql", postgres);
        seconds.put("kafka", kafka);
        return seconds;
    }

    private static void printCpu(Map<String, Double> before, Map<String, Double> after, long records) {
        double total = 0;
        StringBuilder line = new StringBuilder("HARNESS CPU per appended record (ms):");
        for (Map.Entry<String, Double> e : after.entrySet()) {
            double used = e.getValue() - before.get(e.getKey());
            total += used;
            line.append(String.format(" %s=%.4f (%.1f s)", e.getKey(), used * 1000 / records, used));
        }
        line.append(String.format(" total=%.4f -> at most %.0f records/s on %d cores", total * 1000 / records,
                records / total * Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors()));
        System.out.println(line);
    }

    private static double threadCpu(String namePrefix) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double sum = 0;
        for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
            if (info.getThreadName().startsWith(namePrefix) && info.getThreadName().contains("harness")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId())) / 1e9;
            }
        }
        return sum;
    }

    private static double seconds(ProcessHandle process) {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    private static String payload(String home, int i) {
        return "{\"resourceTenant\": \"contoso\", \"homeTenant\": \"" + home + "\", \"application\": \"contoso-projects\","
                + " \"subject\": \"sub-" + (i % 1000) + "\", \"email\": null, \"guest\": true, \"method\": \"GET\","
                + " \"path\": \"/apps/contoso/contoso-projects/x\", \"reason\": \"harness\", \"occurredAt\": \""
                + Instant.now() + "\"}";
    }

    private static long head(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("select last_sequence from chain_head")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static long published(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("select published_sequence from publish_cursor")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "harness-" + UUID.randomUUID());
        return props;
    }
}
