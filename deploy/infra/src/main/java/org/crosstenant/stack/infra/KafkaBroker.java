package org.crosstenant.stack.infra;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jboss.logging.Logger;

/**
 * A real single-node KRaft Kafka broker (combined broker + controller) running as a child process.
 * <p>
 * A child process rather than in-process because the broker needs kafka-clients 4.4 while the Quarkus BOM pins
 * another version on every test classpath. The main code therefore never touches kafka-clients: readiness is the
 * open port plus the broker's own "started" log line, which it writes only once it is unfenced and can serve
 * requests (topic creation included).
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaBroker.class);
    /** Written by KafkaRaftServer after the broker is unfenced, i.e. ready for clients. */
    static final String READY_LINE = "Kafka Server started";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Process process;
    private final Path workDir;
    private final int port;
    private final int controllerPort;
    private final Duration startTime;

    private KafkaBroker(Process process, Path workDir, int port, int controllerPort, Duration startTime) {
        this.process = process;
        this.workDir = workDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.startTime = startTime;
    }

    /**
     * The broker's jars: system property {@code crosstenant.kafka.libs} (set by surefire), env var
     * {@code CROSSTENANT_KAFKA_LIBS}, or else {@code deploy/kafka-runtime/target/lib} found upwards from the working
     * directory (a service module's tests run in that module's directory).
     */
    public static Path defaultLibs() {
        String configured = System.getProperty("crosstenant.kafka.libs");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("CROSSTENANT_KAFKA_LIBS");
        }
        if (configured != null && !configured.isBlank()) {
            Path libs = Path.of(configured).toAbsolutePath().normalize();
            if (Files.isDirectory(libs)) {
                return libs;
            }
            // a build started from a module directory may point the property elsewhere: fall back to the search
            LOG.warnf("crosstenant.kafka.libs=%s is not a directory, searching upwards instead", libs);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("deploy/kafka-runtime/target/lib");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Kafka broker jars not found: set -Dcrosstenant.kafka.libs or build "
                + "deploy/kafka-runtime (mvn install -pl deploy/kafka-runtime) from the repository root");
    }

    /**
     * Starts the broker and blocks until it serves clients. The storage in {@code workDir/data} is formatted only on
     * first use, so the local stack keeps its topics across restarts. Topics are never created on first use
     * ({@code auto.create.topics.enable=false}): each service creates the topics it produces with explicit settings.
     */
    public static KafkaBroker start(Path libs, Path workDir, int port, int controllerPort) {
        return start(libs, workDir, port, controllerPort, Map.of());
    }

    /**
     * As {@link #start(Path, Path, int, int)}, with broker settings added to or replacing the defaults (e.g. the
     * tests' quicker log cleaner).
     *
     * @param overrides broker properties by their Kafka names
     */
    public static KafkaBroker start(Path libs, Path workDir, int port, int controllerPort,
            Map<String, String> overrides) {
        long started = System.nanoTime();
        if (FreePorts.inUse(port) || FreePorts.inUse(controllerPort)) {
            throw new IllegalStateException("Kafka ports " + port + "/" + controllerPort + " are already in use");
        }
        try {
            Files.createDirectories(workDir);
            Path dataDir = workDir.resolve("data");
            Path properties = workDir.resolve("server.properties");
            // overrides may hold passwords (a SASL_SSL listener's keystore)
            Directories.writeOwnerOnly(properties, serverProperties(dataDir, port, controllerPort, overrides));
            Path log4j = workDir.resolve("log4j2.xml");
            Files.writeString(log4j, log4jConfig(workDir.resolve("kafka.log")));
            Path out = workDir.resolve("kafka.out");

            if (!Files.exists(dataDir.resolve("meta.properties"))) {
                format(libs, properties, log4j, out);
            }

            Path kafkaLog = workDir.resolve("kafka.log");
            long logOffset = Files.exists(kafkaLog) ? Files.size(kafkaLog) : 0;
            List<String> command = new ArrayList<>(ProcessTree.orphanGuard("kafka-broker"));
            command.addAll(java(libs, log4j));
            command.add("kafka.Kafka");
            command.add(properties.toString());
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .start();
            try {
                ProcessTree.awaitPort(process, port, START_TIMEOUT, "Kafka broker");
                awaitLogLine(process, kafkaLog, logOffset, started);
            } catch (RuntimeException e) {
                ProcessTree.stop(process, Duration.ofSeconds(5));
                throw new IllegalStateException(e.getMessage() + " (see " + kafkaLog + " and " + out + ")", e);
            }
            // the broker died by itself: release the guard now rather than when this JVM ends
            process.onExit().thenRun(() -> closeQuietly(process.getOutputStream()));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            LOG.infof("Kafka broker ready on 127.0.0.1:%d in %d ms (pid %d, logs %s)", port, took.toMillis(),
                    process.pid(), kafkaLog);
            return new KafkaBroker(process, workDir, port, controllerPort, took);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka in " + workDir, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path workDir() {
        return workDir;
    }

    /** Wall-clock time from {@link #start} to ready, storage formatting included. */
    public Duration startTime() {
        return startTime;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM: the broker shuts down cleanly (no log recovery on the next start); SIGKILL after 30 s. */
    @Override
    public String toString() {
        return "Kafka broker";
    }

    @Override
    public void close() {
        ProcessTree.stop(process, STOP_GRACE);
    }

    /** What happens when this JVM is killed: the guard sees its stdin close and stops the broker. */
    void simulateParentExit() {
        closeQuietly(process.getOutputStream());
    }

    /**
     * The single-node KRaft broker settings this class starts Kafka with (also used for the broker container of
     * deploy/testcontainers).
     *
     * @param dataDir        the log directory
     * @param port           the client listener on 127.0.0.1
     * @param controllerPort the controller listener on 127.0.0.1
     * @param overrides      broker properties added to or replacing the defaults
     * @return the content of a server.properties file
     */
    public static String serverProperties(Path dataDir, int port, int controllerPort, Map<String, String> overrides) {
        List<String> defaults = List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "log.dirs=" + dataDir.toAbsolutePath(),
                // a single node: every internal topic must make do with one replica
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                // every service creates the topics it produces, with explicit settings (platform module): a topic
                // that nobody declared is an error, not a topic with the broker's defaults
                "auto.create.topics.enable=false",
                "num.partitions=1",
                // consumers in tests join one by one; the default 3 s delay would add to every test
                "group.initial.rebalance.delay.ms=0");
        StringBuilder properties = new StringBuilder("# written by org.crosstenant.stack.infra.KafkaBroker on every start\n");
        // an override replaces its default line: one key, one line (e.g. a SASL_SSL listener replaces "listeners")
        defaults.stream().filter(line -> !overrides.containsKey(line.substring(0, line.indexOf('='))))
                .forEach(line -> properties.append(line).append('\n'));
        new TreeMap<>(overrides).forEach((name, value) -> properties.append(name).append('=').append(value).append('\n'));
        return properties.toString();
    }

    static String log4jConfig(Path logFile) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="WARN">
                  <Appenders>
                    <File name="file" fileName="%s" append="true">
                      <PatternLayout pattern="[%%d] %%p %%m (%%c)%%n"/>
                    </File>
                  </Appenders>
                  <Loggers>
                    <Root level="INFO"><AppenderRef ref="file"/></Root>
                    <Logger name="kafka.request.logger" level="WARN"/>
                    <Logger name="org.apache.kafka.clients" level="WARN"/>
                    <Logger name="kafka.log.LogCleaner" level="WARN"/>
                  </Loggers>
                </Configuration>
                """.formatted(xmlEscape(logFile.toAbsolutePath().toString()));
    }

    private static void format(Path libs, Path properties, Path log4j, Path out) throws IOException {
        List<String> command = java(libs, log4j);
        command.addAll(List.of("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", properties.toString()));
        Process format = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .start();
        try {
            if (!format.waitFor(START_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                ProcessTree.stop(format, Duration.ofSeconds(2));
                throw new IllegalStateException("Kafka storage format timed out (see " + out + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessTree.stop(format, Duration.ofSeconds(2));
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
        if (format.exitValue() != 0) {
            // the output usually goes with a temporary directory: carry its end in the message
            throw new IllegalStateException("Kafka storage format failed with code " + format.exitValue() + ": "
                    + tail(out, 2_000));
        }
    }

    private static String tail(Path file, int maxChars) {
        try {
            String text = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
            return text.length() <= maxChars ? text : "…" + text.substring(text.length() - maxChars);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no output in " + file + ": " + e.getMessage() + ")";
        }
    }

    private static List<String> java(Path libs, Path log4j) {
        if (!hasKafkaJar(libs)) {
            throw new IllegalStateException("no Kafka broker jar in " + libs);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Xms64m");
        command.add("-XX:+UseG1GC");
        command.add("-Djava.awt.headless=true");
        command.add("-Dlog4j2.configurationFile=" + log4j.toAbsolutePath());
        command.add("-cp");
        command.add(libs.toAbsolutePath() + "/*");
        return command;
    }

    private static boolean hasKafkaJar(Path libs) {
        try (var files = Files.list(libs)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"));
        } catch (IOException e) {
            return false;
        }
    }

    /** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting with '-'. */
    public static String clusterId() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[16];
        String id;
        do {
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }

    private static void awaitLogLine(Process process, Path kafkaLog, long offset, long startedNanos) throws IOException {
        long deadline = startedNanos + START_TIMEOUT.toNanos();
        while (!logContains(kafkaLog, offset, READY_LINE)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited with code " + process.exitValue() + " before it was ready");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka broker not ready within " + START_TIMEOUT);
            }
            ProcessTree.pause(Duration.ofMillis(50));
        }
    }

    private static boolean logContains(Path file, long offset, String needle) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length <= offset) {
                return false;
            }
            byte[] tail = new byte[(int) Math.min(length - offset, 8 * 1024 * 1024)];
            raf.seek(length - tail.length);
            raf.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8).contains(needle);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }

    private static String xmlEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
    }
}
