package org.crosstenant.stack.infra.testing;

import org.crosstenant.stack.infra.Directories;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.crosstenant.stack.infra.FreePorts;
import org.crosstenant.stack.infra.KafkaBroker;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Kafka broker for {@code @QuarkusTest}s: {@code @QuarkusTestResource(KafkaTestResource.class)}.
 * <p>
 * One broker per test JVM, started on first use on free ports and stopped when the JVM exits (never between test
 * classes: a restart per class would cost seconds each time). Set {@code -Dcrosstenant.test.kafka.bootstrap-servers}
 * to use an already running broker instead.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    /** Where the running broker is published for other class loaders and for tests that talk to Kafka directly. */
    public static final String BOOTSTRAP_PROPERTY = "crosstenant.test.kafka.bootstrap-servers";
    private static final String WORK_DIR_PREFIX = "crosstenant-kafka";
    /**
     * The log cleaner looks for compactable logs every 100 ms instead of 15 s, so a test that shrinks a topic's
     * compaction settings sees it compacted within a second (idle otherwise: it only works on dirty logs).
     */
    public static final Map<String, String> TEST_BROKER_SETTINGS = Map.of("log.cleaner.backoff.ms", "100");

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    @Override
    public void stop() {
        // the broker outlives the test class on purpose; a JVM shutdown hook stops it
    }

    /** The shared broker's bootstrap servers, starting it if this is the first call in the JVM. */
    public static String bootstrapServers() {
        synchronized (KafkaTestResource.class) {
            String running = JvmShared.get(BOOTSTRAP_PROPERTY);
            if (running != null) {
                return running;
            }
            JvmShared.sweepStaleDirs(WORK_DIR_PREFIX);
            Path workDir = JvmShared.ownedTempDir(WORK_DIR_PREFIX);
            AtomicReference<KafkaBroker> started = new AtomicReference<>();
            // registered before the start: a test JVM that exits while the broker starts still cleans up
            JvmShared.onJvmExit("crosstenant-kafka-stop", () -> {
                KafkaBroker live = started.get();
                if (live != null) {
                    live.close();
                }
                Directories.deleteQuietly(workDir);
            });
            KafkaBroker broker = KafkaBroker.start(KafkaBroker.defaultLibs(), workDir, FreePorts.pick(), FreePorts.pick(),
                    TEST_BROKER_SETTINGS);
            started.set(broker);
            JvmShared.set(BOOTSTRAP_PROPERTY, broker.bootstrapServers());
            return broker.bootstrapServers();
        }
    }
}
