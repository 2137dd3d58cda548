package org.crosstenant.stack.infra.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
            Path workDir;
            try {
                workDir = Files.createTempDirectory("crosstenant-kafka");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            KafkaBroker broker;
            try {
                broker = KafkaBroker.start(KafkaBroker.defaultLibs(), workDir, FreePorts.pick(), FreePorts.pick());
            } catch (RuntimeException e) {
                JvmShared.deleteRecursively(workDir);
                throw e;
            }
            JvmShared.onJvmExit("crosstenant-kafka-stop", () -> {
                broker.close();
                JvmShared.deleteRecursively(workDir);
            });
            JvmShared.set(BOOTSTRAP_PROPERTY, broker.bootstrapServers());
            return broker.bootstrapServers();
        }
    }
}
